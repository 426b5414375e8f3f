import { closeSync, mkdirSync, openSync, rmdirSync, type Stats, unlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ConfigError } from "../errors/index.ts";
import { refuseFileInPath, statOrUndefined } from "./path-lookup.ts";
import { refuseEmptyPath } from "./refuse-empty-path.ts";
import { unwritableOutput } from "./unwritable-output.ts";

/**
 * The directories from `directory` up to the closest one that exists, outermost first: those `mkdir -p`
 * would create. Refusals name `path`, the output being checked (the directory, or a file inside it).
 */
function missingLevels(directory: string, path: string, field: string): string[] {
  const missing: string[] = [];
  let level = resolve(directory);
  for (;;) {
    let stats: Stats | undefined;
    try {
      stats = statOrUndefined(level);
    } catch (error) {
      throw unwritableOutput(path, field, `look up ${level}`, error);
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
 * Creates the directories from `directory` up to the closest one that exists, outermost first, one level
 * at a time, adding each one this call created to `created` as it goes (so a caller can remove them
 * again, even when a deeper level then fails).
 *
 * @throws ConfigError naming the field and `path` when a level cannot be created.
 */
function makeMissingLevels(directory: string, path: string, field: string, created: string[]): void {
  for (const level of missingLevels(directory, path, field)) {
    try {
      mkdirSync(level);
    } catch (error) {
      // Another process created it in the meantime: a directory there is what was wanted (and is theirs).
      if ((error as NodeJS.ErrnoException).code === "EEXIST" && statOrUndefined(level)?.isDirectory()) {
        continue;
      }
      throw unwritableOutput(path, field, `create the directory ${level}`, error);
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
  makeMissingLevels(path, path, field, []);
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

/**
 * Creates the file `probe` (only where nothing is) and removes it again, which proves that mull may make
 * a new entry there; a refusal names `path` and says it could not `action`.
 */
function probeNewEntry(probe: string, path: string, field: string, action: string, wanted: string): void {
  try {
    closeSync(openSync(probe, "wx"));
  } catch (error) {
    throw unwritableOutput(path, field, action, error, wanted);
  }
  unlinkSync(probe);
}

/** Creates and removes a file inside `directory`, which proves that mull may write there. */
function probeWritable(directory: string, path: string, field: string, wanted = "a directory"): void {
  const probe = join(directory, `.mull-write-check-${process.pid}-${Date.now()}`);
  probeNewEntry(probe, path, field, `write into ${resolve(directory)}`, wanted);
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
    throw unwritableOutput(path, field, `look up ${resolve(path)}`, error);
  }
  if (stats === undefined) {
    refuseFileInPath(path, field);
    makeMissingLevels(path, path, field, created);
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
 * Checks that a new file can be written at `path`, where nothing is yet, and leaves the file system as it
 * found it: the folders missing above it are made, the file is created (only where nothing is) and
 * removed, then the folders made are removed again (deepest first, each only while still empty).
 *
 * @throws ConfigError naming the field and the path when a folder or the file cannot be created (saying
 *   why: permission denied, a read-only file system, a kernel file system that takes no new entries, …).
 * @example
 * checkNewFileWritable("runs/lab/report.html", "--out");
 */
export function checkNewFileWritable(path: string, field: string): void {
  const created: string[] = [];
  try {
    makeMissingLevels(dirname(path), path, field, created);
    probeNewEntry(path, path, field, `create ${resolve(path)}`, "a file path");
  } finally {
    removeCreatedLevels(created);
  }
}

/**
 * Checks that the folder of an existing file takes a new entry, which replacing the file needs:
 * `writeFileAtomically` writes a temporary file beside it and renames that over it.
 *
 * @throws ConfigError naming the field and the path when the folder takes no new file (saying why).
 * @example
 * checkFolderTakesFile("runs/lab/report.html", "--out");
 */
export function checkFolderTakesFile(path: string, field: string): void {
  probeWritable(dirname(path), path, field, "a file path");
}
