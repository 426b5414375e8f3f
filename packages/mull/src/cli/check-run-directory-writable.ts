import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { checkRunDatabaseWritable, databaseFileName } from "../bench/store/index.ts";
import { checkOutputDirectory } from "../runtime/index.ts";

/**
 * Checks a run directory a command is about to write, before any work (a dataset, a model): as
 * `checkOutputDirectory` (a directory, or none yet, that takes a new file), and that the database of a
 * run already stored there may be written (`checkRunDatabaseWritable`: `bench.sqlite`, its `-wal` and
 * `-shm`), there or, with `stages`, in each directory under it that holds one (the stages of
 * `--search`). SQLite opens a database it may not write read-only without a word, so a `--resume` would
 * otherwise load the model and fail at its first result.
 *
 * @throws ConfigError (exit 2) naming the field and the directory, and the path that cannot be written
 *   and why (permission denied, a read-only file system).
 * @example
 * checkRunDirectoryWritable(flags.out, "--out", { stages: flags.search === true });
 * // --out "runs/lab": cannot write /home/me/runs/lab/bench.sqlite (permission denied); give a run directory you can write to
 */
export function checkRunDirectoryWritable(
  directory: string,
  field: string,
  options: { readonly stages?: boolean } = {},
): void {
  checkOutputDirectory(directory, field);
  if (!existsSync(directory)) return;
  checkRunDatabaseWritable(join(directory, databaseFileName), field, directory);
  if (options.stages !== true) return;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const stage = join(directory, entry.name);
    if (entry.isDirectory() && existsSync(join(stage, databaseFileName))) {
      checkRunDatabaseWritable(join(stage, databaseFileName), field, directory);
    }
  }
}
