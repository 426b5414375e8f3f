import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCliCaptured } from "./commands/run-cli-captured.test-support.ts";
import { refuseMixedBenchOutput } from "./refuse-mixed-bench-output.ts";

const folder = mkdtempSync(join(tmpdir(), "mull-mixed-output-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A directory as `mull bench --search` leaves it: its stages and its result. */
function searchOutput(name: string): string {
  const directory = join(folder, name);
  for (const stage of ["holdout-1-1", "round-1"]) mkdirSync(join(directory, stage), { recursive: true });
  writeFileSync(join(directory, "search.json"), "{}\n");
  return directory;
}

/** A directory that holds a plain run's manifest. */
function plainRun(name: string): string {
  const directory = join(folder, name);
  mkdirSync(directory);
  writeFileSync(join(directory, "manifest.json"), "{}\n");
  return directory;
}

describe("refuseMixedBenchOutput", () => {
  it("refuses a search output for a plain run and a plain run for --search, naming --search", () => {
    const search = searchOutput("search");
    const plain = plainRun("plain");
    expect(() => refuseMixedBenchOutput(search, { search: false })).toThrow(
      `--out ${JSON.stringify(search)} holds a mull bench --search output (round-1, holdout-1-1), not a run: ` +
        "add --search (with --resume) to continue that search, or give another --out for a run",
    );
    expect(() => refuseMixedBenchOutput(plain, { search: true })).toThrow(
      `--out ${JSON.stringify(plain)} holds a mull bench run, not a --search output: drop --search (with ` +
        "--resume) to continue that run, or give another --out for the search",
    );
    // Each kind continues in its own directory; a new or empty one takes either.
    expect(() => refuseMixedBenchOutput(search, { search: true })).not.toThrow();
    expect(() => refuseMixedBenchOutput(plain, { search: false })).not.toThrow();
    for (const search of [true, false]) {
      expect(() => refuseMixedBenchOutput(join(folder, "new"), { search })).not.toThrow();
    }
  });

  it("is said by mull bench before the model loads, leaving the directory as it was (exit 2)", async () => {
    const search = searchOutput("bench-search");
    const plain = plainRun("bench-plain");
    const lab = ["--dataset", "lab:1", "--limit", "2", "--strategies", "greedy,sc@2"];
    for (const resume of [[], ["--resume"]]) {
      const stray = await runCliCaptured("bench", ...lab, "--out", search, ...resume);
      expect(stray.code).toBe(2);
      expect(stray.stderr).toContain(
        `mull: --out ${JSON.stringify(search)} holds a mull bench --search output`,
      );
      const stages = await runCliCaptured("bench", ...lab, "--search", "--out", plain, ...resume);
      expect(stages.code).toBe(2);
      expect(stages.stderr).toContain(`mull: --out ${JSON.stringify(plain)} holds a mull bench run`);
    }
    expect(readdirSync(search).sort()).toEqual(["holdout-1-1", "round-1", "search.json"]);
    expect(readdirSync(plain)).toEqual(["manifest.json"]);
  });
});
