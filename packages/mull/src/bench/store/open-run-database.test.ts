import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { configRefusal } from "../../runtime/rejection.test-support.ts";
import { loadRun } from "./load-run.ts";
import { openRunDatabase } from "./open-run-database.ts";
import { openRunStore } from "./open-run-store.ts";
import {
  config,
  problems,
  result,
  manifest as runManifest,
  samples,
} from "./run-store-fixtures.test-support.ts";
import { databaseFileName, manifestFileName } from "./sqlite-run-store.ts";
import { unprivilegedMissing, unprivilegedOutcome } from "./unprivileged-process.test-support.ts";

const folder = mkdtempSync(join(tmpdir(), "mull-open-run-database-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let directory: string;
let counter = 0;
beforeEach(() => {
  counter += 1;
  directory = join(folder, `run-${counter}`);
  mkdirSync(directory);
});

const manifest = `${JSON.stringify({ runId: "run-lost", dataset: "lab:1" }, null, 2)}\n`;

/** A SQLite file of another tool: one table, not mull's. */
function foreignDatabase(file: string): void {
  const database = new DatabaseSync(file);
  database.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')");
  database.close();
}

describe("openRunDatabase", () => {
  it("refuses another tool's SQLite file for reading and writing, and leaves it untouched", async () => {
    const file = join(directory, databaseFileName);
    foreignDatabase(file);
    const before = readFileSync(file);
    const expected =
      `${file} is not a mull run database: it holds the tables notes, and none of mull's (store_info, runs); ` +
      "mull leaves it untouched: choose another directory";
    expect((await configRefusal(() => loadRun(directory))).message).toBe(expected);
    expect((await configRefusal(() => openRunStore(directory))).message).toBe(expected);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(existsSync(join(directory, manifestFileName))).toBe(false);
  });

  it("refuses an empty or missing database beside a manifest: the run is lost, not new", async () => {
    const file = join(directory, databaseFileName);
    writeFileSync(join(directory, manifestFileName), manifest);
    const missing = await configRefusal(() => openRunStore(directory));
    expect(missing.message).toBe(
      `database corrupt: ${file}: the file does not exist, but ${join(directory, manifestFileName)} records run run-lost there; ` +
        "its results are not in the database. Restore the file, or start the run again in another directory",
    );
    expect(existsSync(file)).toBe(false);
    writeFileSync(file, "");
    for (const work of [() => openRunStore(directory), () => loadRun(directory)]) {
      const error = await configRefusal(work);
      expect(error.message).toMatch(
        /^database corrupt: .*: the file is empty \(0 bytes\), but .* records run run-lost/,
      );
    }
    // Neither the database nor the manifest was written.
    expect(readFileSync(file).length).toBe(0);
    expect(readFileSync(join(directory, manifestFileName), "utf8")).toBe(manifest);
  });

  it("refuses a database with no tables beside a manifest, and says a manifest it cannot read records a run", () => {
    const file = join(directory, databaseFileName);
    const empty = new DatabaseSync(file);
    empty.exec("PRAGMA user_version = 1");
    empty.close();
    writeFileSync(join(directory, manifestFileName), "{ not json");
    expect(() =>
      openRunDatabase(file, { readOnly: false, manifestFile: join(directory, manifestFileName) }),
    ).toThrow(/^database corrupt: .*: the file holds no tables, but .* records a run there/);
  });

  it("takes an empty database without a manifest as a new one, for a writer; a reader finds no run in it", async () => {
    const file = join(directory, databaseFileName);
    writeFileSync(file, "");
    await expect(loadRun(directory)).rejects.toThrow(`no run recorded in ${file}`);
    const store = await openRunStore(directory);
    expect(await store.storedRun()).toBeUndefined();
    await store.close();
  });
});

/** A run of two results stored in `directory`, its store left open (its writes still in the WAL). */
async function storeRun(directory: string) {
  const store = await openRunStore(directory);
  await store.createRun(runManifest(), config, problems);
  await store.recordResult(result("p1", "greedy", "2", 1), samples("p1", "greedy", ["2"]));
  await store.recordResult(result("p2", "greedy", "4", 1), samples("p2", "greedy", ["4"]));
  return store;
}

/** A folder any user may enter, holding copies of `files` from `from`, made read-only to all. */
function readOnlyCopy(from: string, files: readonly string[]): string {
  const copy = join(folder, `read-only-${counter}`);
  mkdirSync(copy);
  for (const name of files) copyFileSync(join(from, name), join(copy, name));
  chmodSync(copy, 0o555);
  return copy;
}

/** The outcome of `loadRun(directory)` in a process whom file modes bind: its result count, or its error. */
function unprivilegedLoad(directory: string) {
  return unprivilegedOutcome(`
    const { loadRun } = await import(${JSON.stringify(join(import.meta.dirname, "load-run.ts"))});
    return (await loadRun(${JSON.stringify(directory)})).results.length;
  `);
}

/** The outcome of opening `directory`'s store to write and closing it, in a process whom file modes bind. */
function unprivilegedWriterOpen(directory: string) {
  return unprivilegedOutcome(`
    const { openRunStore } = await import(${JSON.stringify(join(import.meta.dirname, "open-run-store.ts"))});
    const store = await openRunStore(${JSON.stringify(directory)});
    await store.close();
  `);
}

describe.runIf(unprivilegedMissing === undefined)("openRunDatabase where the files are read-only", () => {
  beforeEach(() => {
    chmodSync(folder, 0o755);
    chmodSync(directory, 0o777);
  });

  it("reads a finished run in a folder it cannot write, creating nothing there", async () => {
    await (await storeRun(directory)).close();
    const copy = readOnlyCopy(directory, [databaseFileName, manifestFileName]);
    expect(await unprivilegedLoad(copy)).toEqual({ value: 2 });
    expect(readdirSync(copy).sort()).toEqual([databaseFileName, manifestFileName]);
  });

  it("reads the writes still in the WAL of a read-only copy when their -shm index came with it", async () => {
    const store = await storeRun(directory);
    try {
      const wal = `${databaseFileName}-wal`;
      expect(statSync(join(directory, wal)).size).toBeGreaterThan(0);
      const copy = readOnlyCopy(directory, [databaseFileName, wal, `${databaseFileName}-shm`]);
      expect(await unprivilegedLoad(copy)).toEqual({ value: 2 });
    } finally {
      await store.close();
    }
  });

  it("says why it cannot read WAL writes without their index in a read-only folder, not that the database is corrupt", async () => {
    const store = await storeRun(directory);
    let copy: string;
    try {
      copy = readOnlyCopy(directory, [databaseFileName, `${databaseFileName}-wal`]);
    } finally {
      await store.close();
    }
    const file = join(copy, databaseFileName);
    expect(await unprivilegedLoad(copy)).toEqual({
      error: {
        name: "ConfigError",
        message:
          `cannot read ${file}: ${file}-wal holds writes not yet copied into the database, and SQLite cannot ` +
          `create their index ${file}-shm in ${copy} (permission denied) (SQLite: unable to open database file); ` +
          "copy the run directory to a place you can write and read the copy",
      },
    });
  });

  it("says a database it may not read is unreadable, naming it", async () => {
    await (await storeRun(directory)).close();
    const file = join(directory, databaseFileName);
    chmodSync(file, 0o000);
    const outcome = await unprivilegedLoad(directory);
    expect(outcome).toEqual({
      error: {
        name: "ConfigError",
        message: expect.stringMatching(new RegExp(`^cannot read ${file}: permission denied \\(SQLite: `)),
      },
    });
  });

  it("refuses to write a database it may not write before SQLite opens it, leaving no -wal or -shm behind", async () => {
    await (await storeRun(directory)).close();
    const file = join(directory, databaseFileName);
    chmodSync(file, 0o444);
    const before = readFileSync(file);
    expect(await unprivilegedWriterOpen(directory)).toEqual({
      error: {
        name: "ConfigError",
        message: `run directory ${JSON.stringify(directory)}: cannot write ${file} (permission denied); give a run directory you can write to`,
      },
    });
    expect(readdirSync(directory).sort()).toEqual([databaseFileName, manifestFileName]);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it("refuses to write a run in a folder it cannot write, saying so rather than that the database is corrupt", async () => {
    await (await storeRun(directory)).close();
    chmodSync(join(directory, databaseFileName), 0o666);
    chmodSync(directory, 0o555);
    expect(await unprivilegedWriterOpen(directory)).toEqual({
      error: {
        name: "ConfigError",
        message: `run directory ${JSON.stringify(directory)}: cannot write into ${directory} (permission denied); give a run directory you can write to`,
      },
    });
  });
});

if (unprivilegedMissing !== undefined) it.skip(`read-only files: ${unprivilegedMissing}`, () => {});
