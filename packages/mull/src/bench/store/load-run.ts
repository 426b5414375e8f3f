import { existsSync } from "node:fs";
import { join } from "node:path";
import { MullError } from "../../errors/index.ts";
import type { RunData } from "../run-data.ts";
import { openRunDatabase } from "./open-run-database.ts";
import { readRunDataFrom } from "./read-run-data.ts";
import { databaseFileName } from "./run-store.ts";

/**
 * Reads everything stored for the run in a directory (manifest, problems, results, samples), read-only.
 * Works while the run is still being written (SQLite WAL readers do not block the writer).
 *
 * @throws MullError when the directory holds no run, or the database fails its integrity check.
 * @example
 * const run = loadRun("runs/gsm8k-sc8");
 * const accuracy = run.results.filter((result) => result.correct).length / run.results.length;
 */
export function loadRun(directory: string): RunData {
  const file = join(directory, databaseFileName);
  if (!existsSync(file)) throw new MullError(`no run in ${directory}: ${file} does not exist`);
  const database = openRunDatabase(file, { readOnly: true });
  try {
    return readRunDataFrom(database, file);
  } finally {
    database.close();
  }
}
