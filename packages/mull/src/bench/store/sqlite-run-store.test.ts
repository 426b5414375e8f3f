import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadRun } from "./load-run.ts";
import { openRunStore } from "./open-run-store.ts";
import { pairKey } from "./run-store.ts";
import { config, manifest, problems, result, samples } from "./run-store-fixtures.test-support.ts";
import { databaseFileName, manifestFileName } from "./sqlite-run-store.ts";

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "mull-store-"));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

describe("openRunStore", () => {
  it("creates a run with its problems and manifest.json, and reads everything back", async () => {
    const store = await openRunStore(directory);
    expect(await store.storedRun()).toBeUndefined();
    expect(await store.createRun(manifest(), config, problems)).toBe(true);
    expect(await store.storedRun()).toEqual({ manifest: manifest(), config });
    expect(JSON.parse(readFileSync(join(directory, manifestFileName), "utf8"))).toEqual(
      JSON.parse(JSON.stringify(manifest())),
    );
    expect(
      await store.recordResult(result("p1", "sc@4", "2", 3), samples("p1", "sc@4", ["2", "3", undefined])),
    ).toBe(true);
    expect(await store.completedPairs()).toEqual(new Set([pairKey("p1", "sc@4")]));
    expect(await store.completedPairCount()).toBe(1);
    const data = await store.readRunData();
    expect(data.problems).toEqual([
      { id: "p1", question: "1+1?", gold: "2", difficulty: "1" },
      { id: "p2", question: "2+2?", gold: "4" },
    ]);
    expect(data.results).toEqual([result("p1", "sc@4", "2", 3)]);
    expect(data.samples).toEqual(samples("p1", "sc@4", ["2", "3", undefined]));
    await store.close();
    expect(await loadRun(directory)).toEqual(data);
  });

  it("keeps the cached prompt tokens, and adds their column to a file written before it", async () => {
    const store = await openRunStore(directory);
    await store.createRun(manifest(), config, problems);
    const cached = { ...result("p1", "sc@4", "2", 3), cachedPromptTokens: 7 };
    await store.recordResult(cached, []);
    await store.close();
    // As an older mull left it: the results table without the column, a result already in it.
    const database = new DatabaseSync(join(directory, databaseFileName));
    database.exec("ALTER TABLE results DROP COLUMN cached_prompt_tokens");
    database.close();
    expect((await loadRun(directory)).results).toEqual([result("p1", "sc@4", "2", 3)]);
    const reopened = await openRunStore(directory);
    await reopened.recordResult({ ...result("p2", "sc@4", "4", 3), cachedPromptTokens: 9 }, []);
    expect((await reopened.readRunData()).results).toEqual([
      result("p1", "sc@4", "2", 3),
      { ...result("p2", "sc@4", "4", 3), cachedPromptTokens: 9 },
    ]);
    await reopened.close();
  });

  it("keeps the worker that computed a result, and adds its column to a file written before it", async () => {
    const store = await openRunStore(directory);
    await store.createRun(manifest(), config, problems);
    await store.recordResult({ ...result("p1", "sc@4", "2", 3), worker: "box:7:abcdef" }, []);
    // A local run's result names none.
    await store.recordResult(result("p2", "greedy", "4", 1), []);
    expect((await store.readRunData()).results).toEqual([
      { ...result("p1", "sc@4", "2", 3), worker: "box:7:abcdef" },
      result("p2", "greedy", "4", 1),
    ]);
    await store.close();
    // As an older mull left it: the results table without the column, its results already in it.
    const database = new DatabaseSync(join(directory, databaseFileName));
    database.exec("ALTER TABLE results DROP COLUMN worker");
    database.close();
    expect((await loadRun(directory)).results).toEqual([
      result("p1", "sc@4", "2", 3),
      result("p2", "greedy", "4", 1),
    ]);
    const reopened = await openRunStore(directory);
    await reopened.recordResult({ ...result("p2", "sc@4", "4", 3), worker: "box:8:fedcba" }, []);
    expect((await reopened.readRunData()).results).toEqual([
      result("p1", "sc@4", "2", 3),
      result("p2", "greedy", "4", 1),
      { ...result("p2", "sc@4", "4", 3), worker: "box:8:fedcba" },
    ]);
    await reopened.close();
  });

  it("uses WAL and the chosen synchronous level", async () => {
    const store = await openRunStore(directory, { synchronous: "full" });
    await store.close();
    const database = new DatabaseSync(join(directory, databaseFileName));
    expect(database.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    database.close();
    const normal = await openRunStore(directory);
    await normal.close();
  });

  it("records a pair at most once and never replaces what is stored", async () => {
    const store = await openRunStore(directory);
    await store.createRun(manifest(), config, problems);
    expect(await store.recordResult(result("p1", "greedy", "2", 1), samples("p1", "greedy", ["2"]))).toBe(
      true,
    );
    expect(await store.recordResult(result("p1", "greedy", "5", 1), samples("p1", "greedy", ["5"]))).toBe(
      false,
    );
    const data = await store.readRunData();
    expect(data.results.map((row) => row.answer)).toEqual(["2"]);
    expect(data.samples.map((row) => row.answer)).toEqual(["2"]);
    expect(await store.counts()).toEqual({ problems: 2, results: 1, samples: 1 });
    expect(await store.completedPairCount()).toBe(1);
    await store.close();
  });

  it("updates the manifest in the database and in manifest.json, or leaves both when told to", async () => {
    const store = await openRunStore(directory);
    await expect(store.updateManifest((stored) => stored)).rejects.toThrow("no run recorded in");
    await store.createRun(manifest(), config, problems);
    const updated = await store.updateManifest((stored) => ({ ...stored, concurrency: 4, limit: undefined }));
    expect(updated).toEqual({ ...manifest(), concurrency: 4 });
    expect("limit" in updated).toBe(false);
    expect(await store.updateManifest(() => undefined)).toEqual(updated);
    const given: unknown[] = [];
    await store.updateManifest((stored) => void given.push(stored));
    expect(given).toEqual([updated]);
    expect((await store.storedRun())?.manifest).toEqual(updated);
    expect(JSON.parse(readFileSync(join(directory, manifestFileName), "utf8"))).toEqual(updated);
    // Another connection to the same file (a second worker) is given the manifest the first one stored.
    const other = await openRunStore(directory);
    expect(
      await other.updateManifest((stored) => ({ ...stored, concurrency: (stored.concurrency ?? 0) + 1 })),
    ).toMatchObject({ concurrency: 5 });
    await other.close();
    expect((await loadRun(directory)).manifest.concurrency).toBe(5);
    await store.close();
  });

  it("writes a result and its samples in one transaction: a failure mid-write leaves neither", async () => {
    let failNext = true;
    const store = await openRunStore(directory, {
      beforeCommit: () => {
        if (failNext) {
          failNext = false;
          throw new Error("crash inside the write");
        }
      },
    });
    await store.createRun(manifest(), config, problems);
    await expect(
      store.recordResult(result("p2", "sc@4", "4", 2), samples("p2", "sc@4", ["4", "4"])),
    ).rejects.toThrow("crash inside the write");
    expect(await store.counts()).toEqual({ problems: 2, results: 0, samples: 0 });
    expect(await store.recordResult(result("p2", "sc@4", "4", 2), samples("p2", "sc@4", ["4", "4"]))).toBe(
      true,
    );
    expect(await store.counts()).toEqual({ problems: 2, results: 1, samples: 2 });
    await store.close();
  });

  it("refuses results for problems that are not in the run", async () => {
    const store = await openRunStore(directory);
    await store.createRun(manifest(), config, problems);
    await expect(
      store.recordResult(result("p9", "greedy", "2", 1), samples("p9", "greedy", ["2"])),
    ).rejects.toThrow(/FOREIGN KEY/);
    expect((await store.counts()).samples).toBe(0);
    await store.close();
  });

  it("reports a truncated database as corrupt", async () => {
    const store = await openRunStore(directory);
    await store.createRun(manifest(), config, problems);
    for (let index = 0; index < 200; index += 1) {
      await store.recordResult(
        result("p1", `s${index}`, "2", 1),
        samples("p1", `s${index}`, ["x".repeat(500)]),
      );
    }
    await store.close();
    const file = join(directory, databaseFileName);
    expect(existsSync(`${file}-wal`)).toBe(false);
    truncateSync(file, Math.floor(statSync(file).size / 2));
    await expect(openRunStore(directory)).rejects.toThrow(/^database corrupt: /);
    await expect(loadRun(directory)).rejects.toThrow(/^database corrupt: /);
    writeFileSync(file, "not a database at all, just text that is long enough to look like a header....");
    await expect(openRunStore(directory)).rejects.toThrow(/^database corrupt: /);
  });

  it("says when a directory holds no run", async () => {
    await expect(loadRun(directory)).rejects.toThrow(`no run in ${directory}`);
    await (await openRunStore(directory)).close();
    await expect(loadRun(directory)).rejects.toThrow("no run recorded in");
  });
});
