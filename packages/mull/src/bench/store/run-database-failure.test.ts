import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, DiskFullError, MullError } from "../../errors/index.ts";
import { runDatabaseFailure, sqlitePrimaryCode } from "./run-database-failure.ts";

const folder = mkdtempSync(join(tmpdir(), "mull-run-database-failure-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** What SQLite throws when `PRAGMA quick_check` reads `file`. */
function quickCheckError(file: string): unknown {
  const database = new DatabaseSync(file, { readOnly: true });
  try {
    database.prepare("PRAGMA quick_check").all();
  } catch (error) {
    return error;
  } finally {
    database.close();
  }
  throw new Error(`quick_check passed on ${file}`);
}

describe("runDatabaseFailure", () => {
  it("calls a file SQLite says is not a database corrupt, with SQLite's words", () => {
    const file = join(folder, "text.sqlite");
    writeFileSync(file, "not a database at all, just text that is long enough to look like a header....");
    const error = quickCheckError(file);
    expect(sqlitePrimaryCode(error)).toBe(26);
    const failure = runDatabaseFailure(error, file, { readOnly: true });
    expect(ConfigError.isInstance(failure)).toBe(true);
    expect(failure.message).toBe(`database corrupt: ${file}: file is not a database`);
    expect(failure.cause).toBe(error);
  });

  it("calls nothing corrupt that SQLite did not say is damaged", () => {
    const file = join(folder, "bench.sqlite");
    const busy = Object.assign(new Error("database is locked"), { errcode: 5 });
    const plain = new Error("something else went wrong");
    for (const [error, readOnly, expected] of [
      [busy, true, `cannot read ${file}: database is locked`],
      [busy, false, `cannot write ${file}: database is locked`],
      [plain, true, `cannot read ${file}: something else went wrong`],
    ] as const) {
      const failure = runDatabaseFailure(error, file, { readOnly });
      expect(failure.message).toBe(expected);
      expect(MullError.isInstance(failure)).toBe(true);
      expect(ConfigError.isInstance(failure)).toBe(false);
    }
  });

  it("calls a refusal of files this process may use SQLite's, not the path's nor a corruption", () => {
    // The folder and file can be read and written here, so nothing in the file modes explains it.
    const file = join(folder, "bench.sqlite");
    writeFileSync(file, "");
    const readOnly = Object.assign(new Error("attempt to write a readonly database"), {
      errcode: 8 | (6 << 8),
    });
    const failure = runDatabaseFailure(readOnly, file, { readOnly: true });
    expect(ConfigError.isInstance(failure)).toBe(false);
    expect(failure.message).toBe(`cannot read ${file}: attempt to write a readonly database`);
  });

  it("keeps a full disk a full disk, and a mull error as it is", () => {
    const file = join(folder, "bench.sqlite");
    const full = Object.assign(new Error("database or disk is full"), { errcode: 13 });
    expect(DiskFullError.isInstance(runDatabaseFailure(full, file, { readOnly: false }))).toBe(true);
    const worded = new ConfigError("already worded");
    expect(runDatabaseFailure(worded, file, { readOnly: true })).toBe(worded);
  });
});
