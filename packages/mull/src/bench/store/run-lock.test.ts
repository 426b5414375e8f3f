import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { RunInProgressError } from "./run-in-progress-error.ts";
import { acquireRunLock, lockFileName } from "./run-lock.ts";

/** Root writes through any mode bits, so a read-only folder proves nothing when the tests run as root. */
const runsAsRoot = process.getuid?.() === 0;
if (runsAsRoot) console.log("run-lock: the read-only folder case is skipped: root writes through mode bits");
if (!existsSync("/proc/self")) console.log("run-lock: the /proc case is skipped: this system has no /proc");

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "mull-lock-"));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

function lockHolder(
  file: string,
  pid: number,
  host = hostname(),
  startedAt = "2025-01-01T00:00:00.000Z",
): void {
  writeFileSync(file, JSON.stringify({ pid, hostname: host, startedAt }));
}

/** A pid that belonged to a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.on("exit", resolve));
  return child.pid!;
}

describe("acquireRunLock", () => {
  it("creates a lock file with our pid and removes it on release", () => {
    const lock = acquireRunLock(directory);
    expect(lock.file).toBe(join(directory, lockFileName));
    expect(JSON.parse(readFileSync(lock.file, "utf8")).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
    lock.release();
  });

  it("leaves alone, on release, a lock that another process took over meanwhile", () => {
    const lock = acquireRunLock(directory);
    // Declared stale and taken by a newer run (another pid) while this holder was paused.
    lockHolder(lock.file, process.pid + 1, hostname(), "2030-01-01T00:00:00.000Z");
    lock.release();
    expect(JSON.parse(readFileSync(lock.file, "utf8"))).toMatchObject({ pid: process.pid + 1 });
  });

  it("refuses a second holder and names the pid that holds the lock", () => {
    const lock = acquireRunLock(directory);
    try {
      expect(() => acquireRunLock(directory)).toThrowError(`run in progress (pid ${process.pid}`);
    } finally {
      lock.release();
    }
  });

  it("refuses a lock held by another live process", async () => {
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 20000)"], { stdio: "ignore" });
    try {
      lockHolder(join(directory, lockFileName), child.pid!);
      let error: unknown;
      try {
        acquireRunLock(directory);
      } catch (caught) {
        error = caught;
      }
      expect(RunInProgressError.isInstance(error)).toBe(true);
      expect((error as RunInProgressError).pid).toBe(child.pid);
      expect((error as Error).message).toContain(`run in progress (pid ${child.pid}`);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("takes over a stale lock whose process is dead", async () => {
    const file = join(directory, lockFileName);
    lockHolder(file, await deadPid());
    const lock = acquireRunLock(directory);
    expect(JSON.parse(readFileSync(file, "utf8")).pid).toBe(process.pid);
    lock.release();
  });

  it("takes over a lock left by an earlier process that had our pid, and an unreadable lock", () => {
    const file = join(directory, lockFileName);
    lockHolder(file, process.pid, hostname(), "2000-01-01T00:00:00.000Z");
    const taken = acquireRunLock(directory);
    const holder = JSON.parse(readFileSync(file, "utf8"));
    expect(holder.pid).toBe(process.pid);
    expect(holder.startedAt).not.toBe("2000-01-01T00:00:00.000Z");
    taken.release();
    writeFileSync(file, "garbage");
    const retaken = acquireRunLock(directory);
    expect(JSON.parse(readFileSync(file, "utf8")).pid).toBe(process.pid);
    retaken.release();
  });

  it("never treats a lock from another host as stale", async () => {
    lockHolder(join(directory, lockFileName), await deadPid(), "some-other-host");
    expect(() => acquireRunLock(directory)).toThrowError(/pid \d+ on some-other-host/);
  });

  it("refuses a run directory that is a file, or lies under one, leaving the file as it was", () => {
    const file = join(directory, "notes.txt");
    writeFileSync(file, "keep me");
    let error: unknown;
    try {
      acquireRunLock(file);
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).message).toBe(
      `run directory ${JSON.stringify(file)}: that is a file, not a directory; give a directory (mull writes its files inside it)`,
    );
    expect(() => acquireRunLock(join(file, "run"))).toThrowError(`${file} is a file, not a directory`);
    expect(readFileSync(file, "utf8")).toBe("keep me");
  });

  it("creates a missing run directory with its folders", () => {
    const nested = join(directory, "runs", "lab", "seed-1");
    const lock = acquireRunLock(nested);
    expect(existsSync(lock.file)).toBe(true);
    lock.release();
  });

  it.skipIf(runsAsRoot)("refuses a run directory it cannot create, naming the path and why", () => {
    const readOnly = join(directory, "read-only");
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o555);
    try {
      const run = join(readOnly, "run");
      expect(() => acquireRunLock(run)).toThrowError(
        `run directory ${JSON.stringify(run)}: cannot create the directory ${run} (permission denied)`,
      );
    } finally {
      chmodSync(readOnly, 0o755);
    }
  });

  it.skipIf(!existsSync("/proc/self"))(
    "refuses a run directory under /proc at once instead of spinning",
    // A guard against the spin that recursive mkdir falls into there, not a speed claim.
    { timeout: 10_000 },
    () => {
      let error: unknown;
      try {
        acquireRunLock("/proc/mull-nope");
      } catch (caught) {
        error = caught;
      }
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).message).toBe(
        `run directory "/proc/mull-nope": cannot create the directory /proc/mull-nope (the file system there ` +
          "takes no new entries); give a directory you can write to",
      );
    },
  );

  it("says which commands hold such a lock", () => {
    lockHolder(join(directory, lockFileName), process.pid, "some-other-host");
    expect(() => acquireRunLock(directory)).toThrowError(
      "delete the lock file if that process is not a mull bench or mull lab.",
    );
  });
});
