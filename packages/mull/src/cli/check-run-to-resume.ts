import { join } from "node:path";
import {
  describeRunLocation,
  openRunStore,
  type RunLocation,
  sqliteRunRecorded,
} from "../bench/store/index.ts";
import { UsageError } from "./usage-error.ts";

/** The location of a stage stored under a run location (`--search`'s `round-1`). */
function stageLocation(location: RunLocation, stage: string): RunLocation {
  return location.kind === "sqlite"
    ? { kind: "sqlite", directory: join(location.directory, stage) }
    : { ...location, name: `${location.name}/${stage}` };
}

async function holdsRun(location: RunLocation): Promise<boolean> {
  // A database whose run was never written (a crash as the run started) holds none, as in PostgreSQL.
  if (location.kind === "sqlite") return sqliteRunRecorded(location.directory);
  const store = await openRunStore(location);
  try {
    return (await store.storedRun()) !== undefined;
  } finally {
    await store.close();
  }
}

/**
 * Refuses `--resume` where there is no run to continue, before any work: a run directory whose database
 * has no run recorded (missing, empty, or created by a run that crashed before recording itself), or a
 * run name the PostgreSQL database does not hold. With `stage`, the run looked for is that stage's under
 * the location (`--search` stores `round-1` first).
 *
 * @throws UsageError naming `--resume` and the location.
 * @throws ConfigError when the run directory's database is corrupt, another tool's, or lost beside the
 *   run's manifest (`sqliteRunRecorded`).
 * @example
 * await checkRunToResume(parseRunLocation(flags.out, flags.store));
 */
export async function checkRunToResume(location: RunLocation, stage?: string): Promise<void> {
  const looked = stage === undefined ? location : stageLocation(location, stage);
  if (await holdsRun(looked)) return;
  const what =
    stage === undefined
      ? "no run to continue"
      : `no --search output to continue (no run in ${describeRunLocation(looked)})`;
  throw new UsageError(
    `--resume: ${describeRunLocation(location)} holds ${what}; leave out --resume to start one`,
    "--resume",
  );
}
