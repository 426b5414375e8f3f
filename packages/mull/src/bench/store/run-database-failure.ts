import { accessSync, constants, existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ConfigError, MullError } from "../../errors/index.ts";
import { diskFullError } from "../../runtime/index.ts";

/** SQLite's primary result codes (`SQLITE_…`) that say the file is damaged or is not a database. */
const damagedCodes = new Set([
  11, // SQLITE_CORRUPT
  26, // SQLITE_NOTADB
]);
/** SQLite's primary result codes for a file or folder that this process may not read or write. */
const refusedCodes = new Set([
  3, // SQLITE_PERM
  8, // SQLITE_READONLY
  14, // SQLITE_CANTOPEN
]);

/** Words for the `access` errors that are the file's or folder's modes or file system. */
const accessReasons: Readonly<Record<string, string>> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the file system is read-only",
};

/**
 * SQLite's primary result code of an error from `node:sqlite` (its `errcode` without the extended
 * bits), or `undefined` for an error that is not SQLite's.
 */
export function sqlitePrimaryCode(error: unknown): number | undefined {
  const code = (error as { errcode?: unknown } | undefined)?.errcode;
  return typeof code === "number" ? code & 0xff : undefined;
}

/**
 * Whether SQLite refused the file for its modes or its folder's (read-only, cannot be opened), rather
 * than for what it holds.
 */
export function isSqliteRefusal(error: unknown): boolean {
  const code = sqlitePrimaryCode(error);
  return code !== undefined && refusedCodes.has(code);
}

/** Why this process may not use `path` as `mode` asks (`permission denied`, …), or `undefined`. */
function accessProblem(path: string, mode: number): string | undefined {
  try {
    accessSync(path, mode);
    return undefined;
  } catch (error) {
    return accessReasons[(error as NodeJS.ErrnoException).code ?? ""];
  }
}

/**
 * The refusal of a run database whose run is lost: "database corrupt: FILE: DETAIL".
 *
 * @example
 * throw corruptDatabase("runs/lab/bench.sqlite", "database disk image is malformed");
 */
export function corruptDatabase(file: string, detail: string, cause?: unknown): ConfigError {
  return new ConfigError(`database corrupt: ${file}: ${detail}`, { cause });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What stops this process from using a database, and what to do about it. */
interface Refusal {
  readonly reason: string;
  readonly advice?: string;
}

/**
 * What stops this process from using the database as `readOnly` asks, naming the path, or `undefined`
 * when the file modes and the file system allow it (then SQLite's words are all there is).
 */
function refusalOf(file: string, readOnly: boolean): Refusal | undefined {
  const path = resolve(file);
  const folder = dirname(path);
  const unreadable = accessProblem(path, constants.R_OK);
  if (unreadable !== undefined) return { reason: unreadable };
  if (!readOnly) {
    const unwritable = accessProblem(path, constants.W_OK);
    if (unwritable !== undefined) return { reason: unwritable };
  }
  const closedFolder = accessProblem(folder, constants.W_OK);
  if (closedFolder === undefined) return undefined;
  if (readOnly && existsSync(`${path}-wal`) && !existsSync(`${path}-shm`)) {
    return {
      reason:
        `${path}-wal holds writes not yet copied into the database, and SQLite cannot create their ` +
        `index ${path}-shm in ${folder} (${closedFolder})`,
      advice: "copy the run directory to a place you can write and read the copy",
    };
  }
  return { reason: `SQLite cannot create its -wal and -shm files beside it in ${folder} (${closedFolder})` };
}

/**
 * The error for a run database that SQLite failed to open or check (`PRAGMA quick_check`), said for
 * what it is:
 * - "database corrupt: FILE: …" (ConfigError) only where SQLite says the file is damaged or is not a
 *   database (`SQLITE_CORRUPT`, `SQLITE_NOTADB`): the run in it is lost;
 * - a file or folder this process may not read or write (`SQLITE_READONLY`, `SQLITE_CANTOPEN`,
 *   `SQLITE_PERM`): a ConfigError naming the path and why (permission denied, a read-only file system, a
 *   write-ahead log that cannot be read without creating its index), the file being intact;
 * - no room for the files SQLite creates beside it: `diskFullError`'s DiskFullError;
 * - anything else, a MullError naming the file with SQLite's words. A MullError is returned as it is.
 *
 * @example
 * try {
 *   database.prepare("PRAGMA quick_check").all();
 * } catch (error) {
 *   throw runDatabaseFailure(error, "runs/lab/bench.sqlite", { readOnly: true });
 * }
 * // cannot read runs/lab/bench.sqlite: SQLite cannot create its -wal and -shm files beside it in
 * // /home/me/runs/lab (permission denied) (SQLite: attempt to write a readonly database)
 */
export function runDatabaseFailure(error: unknown, file: string, options: { readOnly: boolean }): Error {
  if (MullError.isInstance(error)) return error;
  const full = diskFullError(error, file);
  if (full !== undefined) return full;
  const code = sqlitePrimaryCode(error);
  const message = messageOf(error);
  if (code !== undefined && damagedCodes.has(code)) {
    return corruptDatabase(file, message, error);
  }
  const action = options.readOnly ? "read" : "write";
  if (isSqliteRefusal(error)) {
    const refusal = refusalOf(file, options.readOnly);
    if (refusal !== undefined) {
      const advice = refusal.advice === undefined ? "" : `; ${refusal.advice}`;
      return new ConfigError(`cannot ${action} ${file}: ${refusal.reason} (SQLite: ${message})${advice}`, {
        cause: error,
      });
    }
  }
  return new MullError(`cannot ${action} ${file}: ${message}`, { cause: error });
}
