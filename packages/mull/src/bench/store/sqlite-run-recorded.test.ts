import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { config, manifest, problems } from "./run-store-fixtures.test-support.ts";
import { sqliteRunRecorded } from "./sqlite-run-recorded.ts";
import { databaseFileName, manifestFileName, openSqliteRunStore } from "./sqlite-run-store.ts";

const folder = mkdtempSync(join(tmpdir(), "mull-sqlite-run-recorded-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A run directory as a run that crashed right after creating its tables leaves it: no run recorded. */
async function tablesWithoutRun(name: string): Promise<string> {
  const directory = join(folder, name);
  await openSqliteRunStore(directory).close();
  return directory;
}

describe("sqliteRunRecorded", () => {
  it("finds the run a directory's database records", async () => {
    const directory = join(folder, "recorded");
    const store = openSqliteRunStore(directory);
    await store.createRun(manifest(), config, problems);
    await store.close();
    expect(sqliteRunRecorded(directory)).toBe(true);
  });

  it("finds none in a missing or empty directory, an empty database, or tables without a run", async () => {
    const empty = join(folder, "empty");
    mkdirSync(empty);
    const emptyDatabase = join(folder, "empty-database");
    mkdirSync(emptyDatabase);
    writeFileSync(join(emptyDatabase, databaseFileName), "");
    for (const directory of [
      join(folder, "missing"),
      empty,
      emptyDatabase,
      await tablesWithoutRun("crashed"),
    ]) {
      expect(sqliteRunRecorded(directory), directory).toBe(false);
    }
  });

  it("looks without writing: a database of tables without a run is left as it was", async () => {
    const directory = await tablesWithoutRun("untouched");
    const file = join(directory, databaseFileName);
    const before = new DatabaseSync(file, { readOnly: true });
    const tables = before.prepare("SELECT name FROM sqlite_master ORDER BY name").all();
    before.close();
    expect(sqliteRunRecorded(directory)).toBe(false);
    const after = new DatabaseSync(file, { readOnly: true });
    expect(after.prepare("SELECT name FROM sqlite_master ORDER BY name").all()).toEqual(tables);
    expect(after.prepare("SELECT count(*) AS n FROM runs").get()).toEqual({ n: 0 });
    after.close();
  });

  it("says a database lost beside the run's manifest, and another tool's database, as opening the run does", () => {
    const lost = join(folder, "lost");
    mkdirSync(lost);
    writeFileSync(join(lost, manifestFileName), JSON.stringify({ runId: "run-gone" }));
    expect(() => sqliteRunRecorded(lost)).toThrowError(ConfigError);
    expect(() => sqliteRunRecorded(lost)).toThrowError(`database corrupt: ${join(lost, databaseFileName)}`);
    const foreign = join(folder, "foreign");
    mkdirSync(foreign);
    const database = new DatabaseSync(join(foreign, databaseFileName));
    database.exec("CREATE TABLE notes (body TEXT)");
    database.close();
    expect(() => sqliteRunRecorded(foreign)).toThrowError("is not a mull run database");
  });
});
