import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { prepareOutputDirectory } from "../../runtime/index.ts";
import { RunInProgressError } from "./run-in-progress-error.ts";

/** An exclusive lock on a run directory, held until `release()`. */
export interface RunLock {
  /** The lock file (`<directory>/run.lock`). */
  readonly file: string;
  /** Removes the lock file; safe to call twice. */
  release(): void;
}

interface LockOwner {
  readonly pid: number;
  readonly hostname: string;
  readonly startedAt: string;
}

/** The lock file's name inside a run directory. */
export const lockFileName = "run.lock";

function readOwner(file: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<LockOwner>;
    if (typeof parsed.pid !== "number" || !Number.isInteger(parsed.pid)) return undefined;
    return {
      pid: parsed.pid,
      hostname: typeof parsed.hostname === "string" ? parsed.hostname : "",
      startedAt: typeof parsed.startedAt === "string" ? parsed.startedAt : "",
    };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A lock is stale when its owner ran on this machine and is gone. Locks from other hosts are never stale. */
function isStale(owner: LockOwner | undefined): boolean {
  if (owner === undefined) return true;
  if (owner.hostname !== hostname()) return false;
  if (owner.pid === process.pid) {
    // Our own pid: either this process holds it, or a previous process with a recycled pid (containers
    // restart pid numbering) left it before this one started.
    const processStart = Date.now() - process.uptime() * 1000;
    return Date.parse(owner.startedAt) < processStart - 1000;
  }
  return !isAlive(owner.pid);
}

function heldError(file: string, owner: LockOwner): RunInProgressError {
  const where = owner.hostname === hostname() ? "" : ` on ${owner.hostname}`;
  return new RunInProgressError(
    `run in progress (pid ${owner.pid}${where}, since ${owner.startedAt}): ${file} is held. ` +
      "Wait for it to finish, or delete the lock file if that process is not a mull bench or mull lab.",
    { pid: owner.pid, lockFile: file },
  );
}

function tryCreate(file: string, owner: LockOwner): boolean {
  let descriptor: number;
  try {
    descriptor = openSync(file, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(descriptor, `${JSON.stringify(owner)}\n`);
  } finally {
    closeSync(descriptor);
  }
  return true;
}

/**
 * Takes the exclusive lock of a run directory: a `run.lock` file created atomically (`O_CREAT|O_EXCL`)
 * holding this process's pid. A lock whose process is dead (on this host) is stale and taken over.
 *
 * @throws RunInProgressError naming the pid when another live process holds the lock.
 * @throws ConfigError when the directory is a file, a file stands where one of its folders would, or it
 *   cannot be created or written (permission denied, a read-only file system, …).
 * @example
 * const lock = acquireRunLock("runs/gsm8k-sc8");
 * try { ... } finally { lock.release(); }
 */
export function acquireRunLock(directory: string): RunLock {
  // The lock is the run's first file: the directory is made now, one level at a time, refusing one that
  // cannot be created or written.
  prepareOutputDirectory(directory, "run directory");
  const file = join(directory, lockFileName);
  const owner: LockOwner = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (tryCreate(file, owner)) {
      let released = false;
      return {
        file,
        release: () => {
          if (released) return;
          released = true;
          // Only remove the file if it is still ours.
          if (readOwner(file)?.pid === process.pid) unlinkSync(file);
        },
      };
    }
    const current = readOwner(file);
    if (!isStale(current)) throw heldError(file, current!);
    // Move the stale lock aside atomically; if what we moved turns out to be a live lock another process
    // took in between, put it back (link fails if a third process already created a new one).
    const aside = `${file}.stale-${process.pid}`;
    try {
      renameSync(file, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw error;
    }
    const moved = readOwner(aside);
    if (!isStale(moved)) {
      try {
        linkSync(aside, file);
      } catch {
        // Someone else holds a newer lock; theirs stands.
      }
      unlinkSync(aside);
      throw heldError(file, moved!);
    }
    unlinkSync(aside);
  }
  const last = readOwner(file);
  throw heldError(file, last ?? { pid: -1, hostname: hostname(), startedAt: "unknown" });
}
