import { existsSync } from "node:fs";
import { join } from "node:path";
import { MullError } from "../../errors/index.ts";
import type { RunData } from "../run-data.ts";
import { fileInsteadOfRunDirectory } from "./file-instead-of-run-directory.ts";
import { inTransaction, openPostgresPool } from "./open-postgres-pool.ts";
import { openRunDatabase } from "./open-run-database.ts";
import { checkPostgresSchema } from "./postgres-run-store-schema.ts";
import { readPostgresRun } from "./read-postgres-run.ts";
import { readRunDataFrom } from "./read-run-data.ts";
import { describeRunLocation, type RunLocation, redactUrl } from "./run-location.ts";
import { databaseFileName, manifestFileName } from "./sqlite-run-store.ts";

function loadSqliteRun(directory: string): RunData {
  const notDirectory = fileInsteadOfRunDirectory(directory);
  if (notDirectory !== undefined) throw new MullError(`no run in ${directory}: ${notDirectory}`);
  const file = join(directory, databaseFileName);
  const manifestFile = join(directory, manifestFileName);
  if (!existsSync(file) && !existsSync(manifestFile)) {
    throw new MullError(`no run in ${directory}: ${file} does not exist`);
  }
  const database = openRunDatabase(file, { readOnly: true, manifestFile });
  try {
    return readRunDataFrom(database, file);
  } finally {
    database.close();
  }
}

async function loadPostgresRun(location: { readonly url: string; readonly name: string }): Promise<RunData> {
  const label = describeRunLocation({ kind: "postgres", ...location });
  const pool = await openPostgresPool(location.url, { maxConnections: 1 });
  try {
    const data = await inTransaction(
      pool,
      async (client) =>
        (await checkPostgresSchema(client, redactUrl(location.url)))
          ? readPostgresRun(client, location.name)
          : undefined,
      "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    );
    if (data === undefined) throw new MullError(`no ${label}`);
    return data;
  } finally {
    await pool.end();
  }
}

/**
 * Reads everything stored for a run (manifest, problems, results, samples), read-only: from a run
 * directory (a plain string is a directory), or a named run in PostgreSQL (`parseRunLocation`), which it
 * reads from one snapshot and never creates tables in. Works while the run is still being written, and
 * on a run directory it may not write (a read-only copy or mount; `openRunDatabase`).
 *
 * @throws ConfigError when the SQLite file is damaged or not a database ("database corrupt"), is another
 *   tool's database, or is missing or empty beside the run's manifest; when it may not be read
 *   (permission denied, naming the path); or when the PostgreSQL database holds another application's
 *   tables of the store's names.
 * @throws MullError when the location holds no run (a run directory given as one of its files says
 *   which directory to give), or the server cannot be reached.
 * @example
 * const run = await loadRun("runs/gsm8k-sc8");
 * const accuracy = run.results.filter((result) => result.correct).length / run.results.length;
 */
export async function loadRun(location: RunLocation | string): Promise<RunData> {
  if (typeof location === "string") return loadSqliteRun(location);
  return location.kind === "sqlite" ? loadSqliteRun(location.directory) : loadPostgresRun(location);
}
