import { DiskFullError, findCause, MullError } from "../errors/index.ts";

/** System error codes of a write refused for lack of room: a full disk, a used-up quota, a file-size limit. */
const fullCodes = new Set(["ENOSPC", "EDQUOT", "EFBIG"]);

/** SQLite's primary result code for a full disk (`SQLITE_FULL`): SQLite saw ENOSPC. */
const sqliteFull = 13;
/** SQLite's primary result code for an I/O error (`SQLITE_IOERR`). */
const sqliteIoError = 10;
/**
 * The I/O errors of SQLite that a write which found no room gives (a file-size limit, EFBIG, is one of
 * these, never `SQLITE_FULL`): the bare code and its extended codes for a write, an fsync of the file or
 * its folder, a truncation (growing a file) and growing the WAL index. Read errors are not among them.
 */
const sqliteWriteErrors = new Set([
  sqliteIoError,
  sqliteIoError | (3 << 8), // SQLITE_IOERR_WRITE
  sqliteIoError | (4 << 8), // SQLITE_IOERR_FSYNC
  sqliteIoError | (5 << 8), // SQLITE_IOERR_DIR_FSYNC
  sqliteIoError | (6 << 8), // SQLITE_IOERR_TRUNCATE
  sqliteIoError | (19 << 8), // SQLITE_IOERR_SHMSIZE
]);
/** SQLite's texts for those codes, for an error that carries the text alone (one rethrown as a plain Error). */
const sqliteTexts = new Set(["disk I/O error", "database or disk is full"]);

interface ErrorFields {
  readonly code?: unknown;
  readonly errcode?: unknown;
  readonly errstr?: unknown;
  readonly message?: unknown;
}

/** What in `candidate` says there was no room, for the message (`EFBIG`, `disk I/O error`), or `undefined`. */
function noRoomDetail(candidate: unknown): string | undefined {
  if (typeof candidate !== "object" || candidate === null) return undefined;
  const { code, errcode, errstr, message } = candidate as ErrorFields;
  if (typeof code === "string" && fullCodes.has(code)) return code;
  if (typeof errcode === "number") {
    if ((errcode & 0xff) !== sqliteFull && !sqliteWriteErrors.has(errcode)) return undefined;
    return typeof errstr === "string" ? errstr : String(message);
  }
  return typeof message === "string" && sqliteTexts.has(message) ? message : undefined;
}

function saysNoRoom(candidate: unknown): candidate is object {
  return noRoomDetail(candidate) !== undefined;
}

/**
 * The error for a write refused for lack of room: a `DiskFullError` that names the file, says the disk
 * is full or a file-size limit was hit, and keeps `error` as its cause. Recognised, in `error` or its
 * chain of causes: a full disk (ENOSPC, SQLite's "database or disk is full"), a used-up quota (EDQUOT),
 * a file-size limit such as `ulimit -f` (EFBIG), and SQLite's "disk I/O error" from a write, which is
 * how SQLite reports EFBIG. `undefined` for any other error, and for one mull already worded (a
 * `MullError`), which the caller rethrows as it is. A caller adds what is kept ("what was recorded
 * before is intact").
 *
 * @example
 * try {
 *   writeFileSync(file, html);
 * } catch (error) {
 *   throw diskFullError(error, file) ?? error;
 * }
 * // cannot write runs/lab/report.html: the disk is full or a file-size limit was hit (EFBIG);
 * // free some space or raise the limit (ulimit -f)
 */
export function diskFullError(error: unknown, path: string): DiskFullError | undefined {
  if (MullError.isInstance(error)) return undefined;
  const found = findCause(error, saysNoRoom);
  if (found === undefined) return undefined;
  return new DiskFullError(path, noRoomDetail(found)!, { cause: error });
}
