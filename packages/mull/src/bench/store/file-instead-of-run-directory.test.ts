import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fileInsteadOfRunDirectory } from "./file-instead-of-run-directory.ts";
import { loadRun } from "./load-run.ts";

const folder = mkdtempSync(join(tmpdir(), "mull-run-file-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("fileInsteadOfRunDirectory", () => {
  const run = join(folder, "run1");
  mkdirSync(run);
  for (const name of ["bench.sqlite", "manifest.json", "run.lock", "notes.txt"])
    writeFileSync(join(run, name), "");

  it("names the run's directory for one of its files, says a file for another, and nothing for a directory", () => {
    for (const name of ["bench.sqlite", "manifest.json", "run.lock"]) {
      expect(fileInsteadOfRunDirectory(join(run, name))).toBe(
        `that is the run's ${name}, not its directory: give the run's directory, ${JSON.stringify(run)}`,
      );
    }
    expect(fileInsteadOfRunDirectory(join(run, "notes.txt"))).toBe("that is a file, not a run directory");
    expect(fileInsteadOfRunDirectory(run)).toBeUndefined();
    expect(fileInsteadOfRunDirectory(join(folder, "nowhere"))).toBeUndefined();
  });

  it("is what loadRun says of a run directory given as its bench.sqlite, instead of looking inside the file", async () => {
    const database = join(run, "bench.sqlite");
    await expect(loadRun(database)).rejects.toThrow(
      `no run in ${database}: that is the run's bench.sqlite, not its directory: give the run's directory, ${JSON.stringify(run)}`,
    );
    await expect(loadRun(database)).rejects.not.toThrow("bench.sqlite/bench.sqlite");
  });
});
