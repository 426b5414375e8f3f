import { existsSync } from "node:fs";
import { join } from "node:path";
import { openRunDatabase } from "./open-run-database.ts";
import { databaseFileName, manifestFileName } from "./sqlite-run-store.ts";

/**
 * Whether a run directory holds a recorded run, looked at read-only: its database has a run in its `runs`
 * table. A directory without a database, an empty database, and one whose run was never written (a crash
 * in the moments between creating the tables and recording the run) hold none.
 *
 * @throws ConfigError when the database fails its integrity check, is another tool's, or is missing or
 *   empty beside the run's manifest (the run is lost, not new), as `openRunDatabase` says.
 * @example
 * if (!sqliteRunRecorded("runs/gsm8k")) console.error("nothing to resume in runs/gsm8k");
 */
export function sqliteRunRecorded(directory: string): boolean {
  const file = join(directory, databaseFileName);
  const manifestFile = join(directory, manifestFileName);
  if (!existsSync(file) && !existsSync(manifestFile)) return false;
  const database = openRunDatabase(file, { readOnly: true, manifestFile });
  try {
    const runs = database.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'");
    if (runs.get() === undefined) return false;
    return database.prepare("SELECT 1 FROM runs LIMIT 1").get() !== undefined;
  } finally {
    database.close();
  }
}
