import { accessSync, constants } from "node:fs";
import { dirname, resolve } from "node:path";
import { unwritableOutput } from "../../runtime/index.ts";

/** Whether this process may write `path`: the error `access` gives when not, `undefined` when it may or `path` is not there. */
function writeRefusal(path: string): NodeJS.ErrnoException | undefined {
  try {
    accessSync(path, constants.W_OK);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? undefined : (error as NodeJS.ErrnoException);
  }
}

/**
 * Checks that this process may write a run database, before it is opened to be written: the folder it
 * is in (SQLite creates its `-wal` and `-shm` files there) and each of the database's files that exist
 * (`bench.sqlite`, `bench.sqlite-wal`, `bench.sqlite-shm`). SQLite opens a file it may not write
 * read-only without a word, so a run would otherwise start its work, fail at its first result and leave
 * stray `-wal` and `-shm` files behind. Only the file modes and the file system are asked (`access`): no
 * file is opened, so the locks a connection of this process holds on the database are left alone. What
 * does not exist yet is not refused: the writer creates it.
 *
 * @param file the database file.
 * @param field the flag or option named in the refusal, e.g. `--out`.
 * @param directory the run directory as the user gave it, named in the refusal; the file's folder by
 *   default.
 * @throws ConfigError naming the field, the directory and the file that cannot be written, and why
 *   (permission denied, a read-only file system).
 * @example
 * checkRunDatabaseWritable("runs/lab/bench.sqlite", "--out", "runs/lab");
 * // --out "runs/lab": cannot write /home/me/runs/lab/bench.sqlite (permission denied); give a run directory you can write to
 */
export function checkRunDatabaseWritable(file: string, field: string, directory = dirname(file)): void {
  const folder = dirname(resolve(file));
  const folderRefusal = writeRefusal(folder);
  if (folderRefusal !== undefined) {
    throw unwritableOutput(directory, field, `write into ${folder}`, folderRefusal, "a run directory");
  }
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    const refusal = writeRefusal(path);
    if (refusal !== undefined) {
      throw unwritableOutput(directory, field, `write ${resolve(path)}`, refusal, "a run directory");
    }
  }
}
