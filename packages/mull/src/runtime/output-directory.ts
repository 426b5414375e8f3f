import { closeSync, mkdirSync, openSync, rmdirSync, type Stats, unlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ConfigError } from "../errors/index.ts";
import { refuseEmptyPath, refuseFileInPath, statOrUndefined } from "./path-lookup.ts";

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
  refuseEmptyPath(path, field);
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
  refuseEmptyPath(path, field);
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
