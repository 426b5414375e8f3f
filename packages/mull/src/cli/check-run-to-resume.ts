import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  databaseFileName,
  describeRunLocation,
  manifestFileName,
  openRunStore,
  type RunLocation,
} from "../bench/store/index.ts";
import { UsageError } from "./usage-error.ts";

/** The location of a stage stored under a run location (`--search`'s `round-1`). */
function stageLocation(location: RunLocation, stage: string): RunLocation {
  return location.kind === "sqlite"
    ? { kind: "sqlite", directory: join(location.directory, stage) }
    : { ...location, name: `${location.name}/${stage}` };
}

async function holdsRun(location: RunLocation): Promise<boolean> {
  if (location.kind === "sqlite") {
    // A manifest without its database is a run too: opening it says the database is lost.
    return [databaseFileName, manifestFileName].some((name) => existsSync(join(location.directory, name)));
  }
  const store = await openRunStore(location);
  try {
    return (await store.storedRun()) !== undefined;
  } finally {
    await store.close();
  }
}

/**
 * Refuses `--resume` where there is no run to continue, before any work: a run directory without a
 * run's database or manifest (missing, or empty), or a run name the PostgreSQL database does not hold.
 * With `stage`, the run looked for is that stage's under the location (`--search` stores `round-1`
 * first).
 *
 * @throws UsageError naming `--resume` and the location.
 * @example
 * await checkRunToResume(parseRunLocation(flags.out, flags.store));
 */
export async function checkRunToResume(location: RunLocation, stage?: string): Promise<void> {
  if (await holdsRun(stage === undefined ? location : stageLocation(location, stage))) return;
  throw new UsageError(
    `--resume: ${describeRunLocation(location)} holds no run to continue; leave out --resume to start one`,
    "--resume",
  );
}
