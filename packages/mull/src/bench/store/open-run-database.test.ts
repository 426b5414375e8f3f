import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { configRefusal } from "../../runtime/rejection.test-support.ts";
import { loadRun } from "./load-run.ts";
import { openRunDatabase } from "./open-run-database.ts";
import { openRunStore } from "./open-run-store.ts";
import { databaseFileName, manifestFileName } from "./sqlite-run-store.ts";

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
