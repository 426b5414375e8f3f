import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { unprivilegedMissing, unprivilegedOutcome } from "./unprivileged-process.test-support.ts";

const folder = mkdtempSync(join(tmpdir(), "mull-check-run-database-writable-"));
chmodSync(folder, 0o755);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let directory: string;
let counter = 0;
beforeEach(() => {
  counter += 1;
  directory = join(folder, `run-${counter}`);
  mkdirSync(directory);
  chmodSync(directory, 0o777);
});

/** `checkRunDatabaseWritable(file, "--out", shown)` in a process whom file modes bind. */
function check(file: string, shown: string) {
  return unprivilegedOutcome(`
    const { checkRunDatabaseWritable } = await import(${JSON.stringify(join(import.meta.dirname, "check-run-database-writable.ts"))});
    checkRunDatabaseWritable(${JSON.stringify(file)}, "--out", ${JSON.stringify(shown)});
  `);
}

function refusal(message: string) {
  return { error: { name: "ConfigError", message } };
}

describe.runIf(unprivilegedMissing === undefined)("checkRunDatabaseWritable", () => {
  it("accepts a database that does not exist yet, one it may write, and a folder still to be made", async () => {
    const file = join(directory, "bench.sqlite");
    expect(await check(file, directory)).toEqual({ value: null });
    for (const name of ["bench.sqlite", "bench.sqlite-wal", "bench.sqlite-shm"]) {
      writeFileSync(join(directory, name), "");
      chmodSync(join(directory, name), 0o666);
    }
    expect(await check(file, directory)).toEqual({ value: null });
    expect(await check(join(directory, "later", "bench.sqlite"), join(directory, "later"))).toEqual({
      value: null,
    });
  });

  it("refuses a database, -wal or -shm file it may not write, naming the field, the directory and the file", async () => {
    const file = join(directory, "bench.sqlite");
    for (const name of ["bench.sqlite", "bench.sqlite-wal", "bench.sqlite-shm"]) {
      writeFileSync(join(directory, name), "");
      chmodSync(join(directory, name), 0o666);
    }
    for (const name of ["bench.sqlite", "bench.sqlite-wal", "bench.sqlite-shm"]) {
      chmodSync(join(directory, name), 0o444);
      expect(await check(file, "runs/lab")).toEqual(
        refusal(
          `--out "runs/lab": cannot write ${join(directory, name)} (permission denied); give a run directory you can write to`,
        ),
      );
      chmodSync(join(directory, name), 0o666);
    }
    // Only asked, never opened nor made.
    expect(readdirSync(directory).sort()).toEqual(["bench.sqlite", "bench.sqlite-shm", "bench.sqlite-wal"]);
  });

  it("refuses a folder it may not write: SQLite makes the -wal and -shm files there", async () => {
    writeFileSync(join(directory, "bench.sqlite"), "");
    chmodSync(join(directory, "bench.sqlite"), 0o666);
    chmodSync(directory, 0o555);
    expect(await check(join(directory, "bench.sqlite"), directory)).toEqual(
      refusal(
        `--out ${JSON.stringify(directory)}: cannot write into ${directory} (permission denied); give a run directory you can write to`,
      ),
    );
  });
});

if (unprivilegedMissing !== undefined) it.skip(`read-only files: ${unprivilegedMissing}`, () => {});
