import {
  closeSync,
  lstatSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  type Stats,
  writeFileSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { ConfigError } from "../errors/index.ts";
import { diskFullError } from "./disk-full-error.ts";
import { checkFolderTakesFile, checkNewFileWritable } from "./output-directory.ts";
import { refuseFileInPath, statOrUndefined } from "./path-lookup.ts";
import { refuseEmptyPath } from "./refuse-empty-path.ts";
import { unwritableOutput } from "./unwritable-output.ts";

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
 * is one): writing through it would land wherever the link points. Paths that do not exist yet pass, and
 * so does the name of one of this process's open descriptors (`/dev/stdout`, `/dev/fd/3`), a link the
 * kernel keeps that `writeFileAtomically` writes at, never through.
 *
 * @throws ConfigError naming the field and the link.
 * @example
 * refuseSymlinkedOutput("runs/lab", "--out", "directory");
 */
export function refuseSymlinkedOutput(path: string, field: string, kind: "directory" | "file"): void {
  if (kind === "file" && ownDescriptor(path) !== undefined) return;
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

/** The names of a process's open descriptors: `/dev/stdout`, `/dev/fd/3`, `/proc/self/fd/1`, `/proc/42/fd/1`. */
const descriptorName =
  /^\/(?:dev\/(?:(stdin|stdout|stderr)|fd\/(\d+))|proc\/(self|thread-self|\d+)\/fd\/(\d+))$/;

const standardDescriptors: Readonly<Record<string, number>> = { stdin: 0, stdout: 1, stderr: 2 };

/** The descriptor of this process that `path` names (`/dev/stdout` is 1), or `undefined`. */
function ownDescriptor(path: string): number | undefined {
  const match = descriptorName.exec(resolve(path));
  if (match === null) return undefined;
  const [, standard, devFd, owner, procFd] = match;
  if (standard !== undefined) return standardDescriptors[standard];
  if (devFd !== undefined) return Number(devFd);
  if (owner === "self" || owner === "thread-self" || owner === String(process.pid)) return Number(procFd);
  return undefined;
}

/** Writes all of `data` to an open descriptor, at its own offset. */
function writeToDescriptor(descriptor: number, data: string | Uint8Array): void {
  // Through the streams where they are in use, so that the write keeps its place among theirs.
  if (descriptor === 1) {
    process.stdout.write(data);
    return;
  }
  if (descriptor === 2) {
    process.stderr.write(data);
    return;
  }
  const bytes = typeof data === "string" ? Buffer.from(data) : data;
  let written = 0;
  while (written < bytes.length) written += writeSync(descriptor, bytes, written);
}

/**
 * Whether `path` is written where it is rather than replaced: a device, a pipe or a socket (`/dev/null`),
 * or the name of an open descriptor (`/dev/stdout`), whatever it leads to — a shell's `> out.json` makes
 * that a regular file, but the name is the kernel's, not a file of the user's to replace.
 */
function writtenInPlace(path: string, stats: Stats | undefined): boolean {
  return descriptorName.test(resolve(path)) || (stats !== undefined && !stats.isFile());
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
 * Checks a file mull is about to write, before any work, so that it never replaces what it did not
 * write and a path it cannot write is said before the work, not after: the path may be new, an empty
 * file, something that is not a regular file (`/dev/stdout`), or a previous output of the same kind (an
 * HTML report over an HTML report); a directory, a file whose parent is a file, and an existing file of
 * any other content (a run's database, its manifest) are refused. A new file is created and removed
 * again (with the folders missing above it), and for a regular file it may replace, a file is created
 * and removed in its folder (the write renames a temporary file there), leaving the file system as it
 * was; a file that is not a regular one is not touched.
 *
 * @throws ConfigError naming the field and the path, saying what the existing file holds, or why the
 *   path cannot be written (permission denied, a read-only file system, a kernel file system that takes
 *   no new entries, …).
 * @example
 * checkOutputFile("runs/lab/report.html", "--out", "html");
 */
export function checkOutputFile(path: string, field: string, kind: OutputKind): void {
  refuseEmptyPath(path, field);
  let stats: Stats | undefined;
  try {
    stats = statOrUndefined(path);
  } catch (error) {
    throw unwritableOutput(path, field, `look up ${resolve(path)}`, error, "a file path");
  }
  if (stats === undefined) {
    refuseFileInPath(path, field);
    checkNewFileWritable(path, field);
    return;
  }
  if (stats.isDirectory()) {
    throw new ConfigError(
      `${field} ${JSON.stringify(path)}: that is a directory; give the path of the file to write, e.g. ${join(path, kind === "trace" ? "trace.json" : `report.${kind}`)}`,
      { field },
    );
  }
  // Written where it is, not replaced (`/dev/null`, `/dev/stdout`); probing it could block or print.
  if (writtenInPlace(path, stats)) return;
  if (stats.size > 0) {
    let head: Buffer;
    try {
      head = readHead(path, 512);
    } catch (error) {
      // Its content decides whether mull may replace it: one it cannot read is refused, not guessed at.
      throw unwritableOutput(path, field, `read ${resolve(path)}`, error, "a file path");
    }
    if (kindOf(head) !== kind) throw refusedContent(path, field, kind, head);
  }
  checkFolderTakesFile(path, field);
}

/** The refusal of an existing file mull did not write, saying what it holds. */
function refusedContent(path: string, field: string, kind: OutputKind, head: Buffer): ConfigError {
  return new ConfigError(
    `${field} ${JSON.stringify(path)}: the file exists and holds ${describeContent(head)}, not ${kindNames[kind]}; ` +
      "mull replaces only its own earlier output: give another path",
    { field },
  );
}

/**
 * Writes a file whole or not at all: into a temporary file beside it, flushed to disk, then renamed over
 * it (a rename replaces a link at the path rather than writing where it points). When either step fails
 * the temporary file is removed and the error thrown; the file at `path` is left as it was. A device or
 * a pipe (`/dev/null`) is written into, as a shell's `>>` would, and the name of one of this process's
 * open descriptors (`/dev/stdout`, `/dev/fd/3`) is written at that descriptor: renaming over either
 * would replace the device or the name itself.
 *
 * @throws MullError naming `path` when the disk is full or a file-size limit was hit (`diskFullError`);
 *   any other failure as it came.
 * @example
 * writeFileAtomically("runs/lab/report.html", html);
 */
export function writeFileAtomically(path: string, data: string | Uint8Array): void {
  const descriptor = ownDescriptor(path);
  if (descriptor !== undefined || writtenInPlace(path, statOrUndefined(path))) {
    try {
      // An open descriptor of this process is written at its own offset: opening its name again would
      // start a second offset, and `> out.json` would then have the two writers overwrite each other.
      if (descriptor !== undefined) writeToDescriptor(descriptor, data);
      else writeFileSync(path, data, { flag: "a" });
    } catch (error) {
      throw diskFullError(error, path) ?? error;
    }
    return;
  }
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
