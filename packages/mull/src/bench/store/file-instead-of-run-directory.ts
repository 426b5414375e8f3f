import { existsSync, statSync } from "node:fs";
import { basename, dirname } from "node:path";
import { lockFileName } from "./run-lock.ts";
import { databaseFileName, manifestFileName } from "./sqlite-run-store.ts";

/**
 * What is wrong with a run directory given as `path` when it is a file: for one of a run's own files
 * (`bench.sqlite`, `manifest.json`, `run.lock`) the directory to give instead, else that it is a file.
 * `undefined` when `path` is a directory or does not exist.
 *
 * @example
 * fileInsteadOfRunDirectory("runs/a/bench.sqlite");
 * // 'that is the run\'s bench.sqlite, not its directory: give the run\'s directory, "runs/a"'
 */
export function fileInsteadOfRunDirectory(path: string): string | undefined {
  if (!existsSync(path) || statSync(path).isDirectory()) return undefined;
  const name = basename(path);
  if ([databaseFileName, manifestFileName, lockFileName].includes(name)) {
    return `that is the run's ${name}, not its directory: give the run's directory, ${JSON.stringify(dirname(path))}`;
  }
  return "that is a file, not a run directory";
}
