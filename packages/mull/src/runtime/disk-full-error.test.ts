import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MullError } from "../errors/index.ts";
import { diskFullError } from "./disk-full-error.ts";
import { fileSizeLimitSkipReason, runWithFileSizeLimit } from "./file-size-limit.test-support.ts";

/** An error as Node's file system functions throw it. */
function systemError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: failed, write`), { code });
}

/** An error as node:sqlite throws it. */
function sqliteError(errcode: number, errstr: string): Error {
  return Object.assign(new Error(errstr), { code: "ERR_SQLITE_ERROR", errcode, errstr });
}

const wording = (path: string, detail: string) =>
  `cannot write ${path}: the disk is full or a file-size limit was hit (${detail}); ` +
  "free some space or raise the limit (ulimit -f)";

describe("diskFullError", () => {
  it("words a full disk, a used-up quota and a file-size limit, naming the file and keeping the cause", () => {
    for (const code of ["ENOSPC", "EDQUOT", "EFBIG"]) {
      const error = systemError(code);
      const worded = diskFullError(error, "runs/lab/report.html");
      expect(MullError.isInstance(worded)).toBe(true);
      expect(worded?.message).toBe(wording("runs/lab/report.html", code));
      expect(worded?.cause).toBe(error);
    }
  });

  it("words SQLite's full disk and its I/O errors from a write, and not those from a read", () => {
    expect(diskFullError(sqliteError(13, "database or disk is full"), "a.sqlite")?.message).toBe(
      wording("a.sqlite", "database or disk is full"),
    );
    // SQLITE_IOERR, _WRITE, _FSYNC, _TRUNCATE, _SHMSIZE: what a file-size limit gives.
    for (const errcode of [10, 778, 1034, 1546, 4874]) {
      expect(diskFullError(sqliteError(errcode, "disk I/O error"), "a.sqlite")?.message).toBe(
        wording("a.sqlite", "disk I/O error"),
      );
    }
    // SQLITE_IOERR_READ and _SHORT_READ; SQLITE_BUSY; SQLITE_CORRUPT.
    for (const errcode of [266, 522, 5, 11]) {
      expect(diskFullError(sqliteError(errcode, "some error"), "a.sqlite")).toBeUndefined();
    }
  });

  it("finds the cause in a chain, and leaves other errors and mull's own worded errors alone", () => {
    const wrapped = new Error("commit failed", { cause: systemError("ENOSPC") });
    expect(diskFullError(wrapped, "x")?.message).toBe(wording("x", "ENOSPC"));
    expect(diskFullError(new Error("disk I/O error"), "x")?.message).toBe(wording("x", "disk I/O error"));
    expect(diskFullError(systemError("EACCES"), "x")).toBeUndefined();
    expect(diskFullError(new Error("a disk I/O error happened elsewhere"), "x")).toBeUndefined();
    expect(diskFullError("EFBIG", "x")).toBeUndefined();
    expect(diskFullError(undefined, "x")).toBeUndefined();
    const worded = diskFullError(systemError("EFBIG"), "x")!;
    expect(diskFullError(worded, "y")).toBeUndefined();
  });
});

const folder = mkdtempSync(join(tmpdir(), "mull-disk-full-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
if (fileSizeLimitSkipReason !== undefined) console.log(fileSizeLimitSkipReason);

describe.skipIf(fileSizeLimitSkipReason !== undefined)("diskFullError under a real file-size limit", () => {
  it("recognises what a file write and a SQLite write throw past `ulimit -f`", async () => {
    const file = join(folder, "big.bin");
    const script = `
      import { writeFileSync } from "node:fs";
      import { DatabaseSync } from "node:sqlite";
      import { diskFullError } from ${JSON.stringify(join(import.meta.dirname, "disk-full-error.ts"))};
      process.on("SIGXFSZ", () => {});
      const said = [];
      try { writeFileSync(${JSON.stringify(file)}, Buffer.alloc(64 * 1024)); } catch (error) { said.push(diskFullError(error, "big.bin")?.message); }
      const database = new DatabaseSync(${JSON.stringify(join(folder, "big.sqlite"))});
      try {
        database.exec("CREATE TABLE t (x TEXT)");
        for (let row = 0; row < 64; row += 1) database.prepare("INSERT INTO t VALUES (?)").run("x".repeat(1024));
      } catch (error) { said.push(diskFullError(error, "big.sqlite")?.message); }
      database.close();
      console.log(JSON.stringify(said));
    `;
    const run = await runWithFileSizeLimit(16, [process.execPath, "--input-type=module", "-e", script]);
    expect(run).toMatchObject({ code: 0, signal: null, stderr: "" });
    expect(JSON.parse(run.stdout)).toEqual([
      wording("big.bin", "EFBIG"),
      wording("big.sqlite", "disk I/O error"),
    ]);
  });
});
