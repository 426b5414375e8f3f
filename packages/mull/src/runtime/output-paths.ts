import {
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmdirSync,
  rmSync,
  type Stats,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { ConfigError } from "../errors/index.ts";
import { diskFullError } from "./disk-full-error.ts";

const plainName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Checks a name that becomes one file inside a directory mull writes to (a report's name): letters,
 * digits, `.`, `_` and `-`, starting with a letter or digit, at most 128 characters — so no separator,
 * no `..` and no absolute path can lead the file out of its directory.
 *
 * @throws ConfigError naming the field and the value.
 * @example
 * checkPlainFileName("sc-vs-pf", "--name"); // ok
 * checkPlainFileName("../../x", "--name"); // throws
 */
export function checkPlainFileName(name: string, field: string): void {
  if (!plainName.test(name) || name.includes("..")) {
    throw new ConfigError(
      `${field} ${JSON.stringify(name)}: expected a plain file name (letters, digits, '.', '_', '-'; no path, no '..'), e.g. "report"`,
      { field },
    );
  }
}

function symlinkAt(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Refuses an output directory that is a symbolic link (or a file path whose directory or the file itself
 * is one): writing through it would land wherever the link points. Paths that do not exist yet pass.
 *
 * @throws ConfigError naming the field and the link.
 * @example
 * refuseSymlinkedOutput("runs/lab", "--out");
 */
export function refuseSymlinkedOutput(path: string, field: string, kind: "directory" | "file"): void {
  const candidates = kind === "file" ? [dirname(path), path] : [path];
  for (const candidate of candidates) {
    if (symlinkAt(candidate)) {
      throw new ConfigError(
        `${field} ${JSON.stringify(path)}: ${candidate} is a symbolic link; mull does not write through links, give the real path`,
        { field },
      );
    }
  }
}

/**
 * The kinds of file mull writes and may write again over a previous copy: an HTML document, an SVG or
 * PNG image, a `mull solve` trace (a JSON object that starts with its `strategy`).
 */
export type OutputKind = "html" | "svg" | "png" | "trace";

const kindNames: Record<OutputKind, string> = {
  html: "an HTML document",
  svg: "an SVG image",
  png: "a PNG image",
  trace: "a mull solve trace",
};

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The start of a file as text, without a byte-order mark or leading white space. */
function leadingText(head: Buffer): string {
  return head
    .toString("utf8")
    .replace(/^\uFEFF/, "")
    .trimStart();
}

/** The kind of file `head` (its first bytes) starts, or `undefined` for one mull does not write. */
function kindOf(head: Buffer): OutputKind | undefined {
  if (head.subarray(0, pngSignature.length).equals(pngSignature)) return "png";
  const text = leadingText(head);
  if (/^(<!doctype html|<html)/i.test(text)) return "html";
  if (/^<svg|^<\?xml[^>]*>\s*<svg/i.test(text)) return "svg";
  if (/^\{\s*"strategy"\s*:/.test(text)) return "trace";
  return undefined;
}

/** Words for what a file mull will not replace holds, for the refusal. */
function describeContent(head: Buffer): string {
  const kind = kindOf(head);
  if (kind !== undefined) return kindNames[kind];
  if (head.subarray(0, 16).toString("latin1") === "SQLite format 3\0") return "a SQLite database";
  const text = leadingText(head);
  if (text.startsWith("{") || text.startsWith("[")) return "JSON";
  return "something else";
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    // ENOTDIR: a file stands where a folder of the path would be, which the caller then names.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw error;
  }
}

function readHead(path: string, bytes: number): Buffer {
  const descriptor = openSync(path, "r");
  try {
    const head = Buffer.alloc(bytes);
    return head.subarray(0, readSync(descriptor, head, 0, bytes, 0));
  } finally {
    closeSync(descriptor);
  }
}

/**
 * The closest existing folder above `path` must be a folder: `mkdir -p` would fail on a file there.
 *
 * @throws ConfigError naming the field, the path and the file in the way.
 */
function refuseFileInPath(path: string, field: string): void {
  let above = dirname(resolve(path));
  for (;;) {
    const stats = statOrUndefined(above);
    if (stats !== undefined) {
      if (stats.isDirectory()) return;
      throw new ConfigError(
        `${field} ${JSON.stringify(path)}: ${above} is a file, not a directory; give a path under a directory`,
        { field },
      );
    }
    const parent = dirname(above);
    if (parent === above) return;
    above = parent;
  }
}

/** Words for the errors that stop mull from creating or writing a directory; other errors are not the path's fault. */
const unwritableReasons: Readonly<Record<string, string>> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the file system is read-only",
  // A kernel file system (`/proc`, `/sys`) answers a new name with ENOENT.
  ENOENT: "the file system there takes no new entries",
  ENOTDIR: "a file stands where a folder of the path would be",
  EEXIST: "a file of that name is in the way",
};

/** The refusal of an output path that cannot be created or written, or `error` itself for any other failure. */
function unwritable(path: string, field: string, action: string, error: unknown): Error {
  const reason = unwritableReasons[(error as NodeJS.ErrnoException).code ?? ""];
  if (reason === undefined) return error as Error;
  return new ConfigError(
    `${field} ${JSON.stringify(path)}: cannot ${action} (${reason}); give a directory you can write to`,
    { field, cause: error },
  );
}

/**
 * The directories from `path` up to the closest one that exists, outermost first: those `mkdir -p` would
 * create.
 */
function missingLevels(path: string, field: string): string[] {
  const missing: string[] = [];
  let level = resolve(path);
  for (;;) {
    let stats: Stats | undefined;
    try {
      stats = statOrUndefined(level);
    } catch (error) {
      throw unwritable(path, field, `look up ${level}`, error);
    }
    if (stats !== undefined) break;
    missing.unshift(level);
    const parent = dirname(level);
    if (parent === level) break;
    level = parent;
  }
  return missing;
}

/**
 * Creates the directories from `path` up to the closest one that exists, outermost first, one level at a
 * time, adding each one this call created to `created` as it goes (so a caller can remove them again,
 * even when a deeper level then fails).
 *
 * @throws ConfigError naming the field and the path when a level cannot be created.
 */
function makeMissingLevels(path: string, field: string, created: string[]): void {
  for (const level of missingLevels(path, field)) {
    try {
      mkdirSync(level);
    } catch (error) {
      // Another process created it in the meantime: a directory there is what was wanted (and is theirs).
      if ((error as NodeJS.ErrnoException).code === "EEXIST" && statOrUndefined(level)?.isDirectory()) {
        continue;
      }
      throw unwritable(path, field, `create the directory ${level}`, error);
    }
    created.push(level);
  }
}

/**
 * Creates an output directory and the folders missing above it, one level at a time: a recursive
 * `mkdir` spins forever on some kernel file systems (`/proc/x`), where one level fails at once.
 *
 * @throws ConfigError naming the field and the path when a level cannot be created (permission denied,
 *   a read-only file system, a file in the way, a file system that takes no directories).
 * @example
 * makeOutputDirectory("runs/lab/seed-1", "--out");
 */
export function makeOutputDirectory(path: string, field: string): void {
  makeMissingLevels(path, field, []);
}

/**
 * Removes the directories in `created` (outermost first), deepest first, each only while it is still
 * empty: once one holds something (another process wrote there), it and the folders above it stay.
 */
function removeCreatedLevels(created: readonly string[]): void {
  for (const level of [...created].reverse()) {
    try {
      rmdirSync(level);
    } catch {
      return;
    }
  }
}

/** Creates and removes a file inside `directory`, which proves that mull may write there. */
function probeWritable(directory: string, path: string, field: string): void {
  const probe = join(directory, `.mull-write-check-${process.pid}-${Date.now()}`);
  try {
    closeSync(openSync(probe, "wx"));
  } catch (error) {
    throw unwritable(path, field, `write into ${resolve(directory)}`, error);
  }
  unlinkSync(probe);
}

/**
 * The checks of `checkOutputDirectory` and `prepareOutputDirectory`: the missing folders are made, and
 * those this call made are added to `created`.
 */
function checkDirectoryMaking(path: string, field: string, created: string[]): void {
  let stats: Stats | undefined;
  try {
    stats = statOrUndefined(path);
  } catch (error) {
    throw unwritable(path, field, `look up ${resolve(path)}`, error);
  }
  if (stats === undefined) {
    refuseFileInPath(path, field);
    makeMissingLevels(path, field, created);
  } else if (!stats.isDirectory()) {
    throw new ConfigError(
      `${field} ${JSON.stringify(path)}: that is a file, not a directory; give a directory (mull writes its files inside it)`,
      { field },
    );
  }
  probeWritable(path, path, field);
}

/**
 * Checks a directory mull is about to write files into (a run directory), before any work, and leaves
 * the file system as it found it: it is a directory or does not exist yet, no file stands where one of
 * its parent folders would be, and a file can be written inside it — proved by making the missing
 * folders and writing a file there, then removing that file and the folders made (deepest first, each
 * only while still empty). The writer makes the directory when it writes (`makeOutputDirectory`), so a
 * run that fails before then leaves no empty folder behind.
 *
 * @throws ConfigError naming the field and the path when the path is a file, a file is in its way, or
 *   the directory cannot be created or written (saying why: permission denied, a read-only file system, …).
 * @example
 * checkOutputDirectory("runs/lab", "--out");
 */
export function checkOutputDirectory(path: string, field: string): void {
  const created: string[] = [];
  try {
    checkDirectoryMaking(path, field, created);
  } finally {
    removeCreatedLevels(created);
  }
}

/**
 * Checks a directory as `checkOutputDirectory` does and keeps it: the missing folders are made, for a
 * writer about to write into it (a run's lock file).
 *
 * @throws ConfigError as `checkOutputDirectory`; the folders made before a refusal are removed again.
 * @example
 * prepareOutputDirectory("runs/lab", "run directory");
 */
export function prepareOutputDirectory(path: string, field: string): void {
  const created: string[] = [];
  try {
    checkDirectoryMaking(path, field, created);
  } catch (error) {
    removeCreatedLevels(created);
    throw error;
  }
}

/**
 * Checks a file mull is about to write, before any work, so that it never replaces what it did not
 * write: the path may be new, an empty file, something that is not a regular file (`/dev/stdout`), or a
 * previous output of the same kind (an HTML report over an HTML report); a directory, a file whose
 * parent is a file, and an existing file of any other content (a run's database, its manifest) are
 * refused.
 *
 * @throws ConfigError naming the field and the path, and saying what the existing file holds.
 * @example
 * checkOutputFile("runs/lab/report.html", "--out", "html");
 */
export function checkOutputFile(path: string, field: string, kind: OutputKind): void {
  const stats = statOrUndefined(path);
  if (stats === undefined) {
    refuseFileInPath(path, field);
    return;
  }
  if (stats.isDirectory()) {
    throw new ConfigError(
      `${field} ${JSON.stringify(path)}: that is a directory; give the path of the file to write, e.g. ${join(path, kind === "trace" ? "trace.json" : `report.${kind}`)}`,
      { field },
    );
  }
  if (!stats.isFile() || stats.size === 0) return;
  const head = readHead(path, 512);
  if (kindOf(head) === kind) return;
  throw new ConfigError(
    `${field} ${JSON.stringify(path)}: the file exists and holds ${describeContent(head)}, not ${kindNames[kind]}; ` +
      "mull replaces only its own earlier output: give another path",
    { field },
  );
}

/**
 * Writes a file whole or not at all: into a temporary file beside it, flushed to disk, then renamed over
 * it (a rename replaces a link at the path rather than writing where it points). When either step fails
 * the temporary file is removed and the error thrown; the file at `path` is left as it was.
 *
 * @throws MullError naming `path` when the disk is full or a file-size limit was hit (`diskFullError`);
 *   any other failure as it came.
 * @example
 * writeFileAtomically("runs/lab/report.html", html);
 */
export function writeFileAtomically(path: string, data: string | Uint8Array): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    // Flushed before the rename, so a crash cannot leave the new name pointing at an unwritten file.
    writeFileSync(temporary, data, { flush: true });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw diskFullError(error, path) ?? error;
  }
}
