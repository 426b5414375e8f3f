import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openRunStore, type ResultRecord, type RunStore } from "../store/index.ts";
import { config, manifest, problems, result, samples } from "../store/run-store-fixtures.test-support.ts";
import { recordedByWorker } from "./recorded-by-worker.ts";

let directory: string;
let store: RunStore;
/** The results as the store was given them, inside each one's transaction. */
let committed: ResultRecord[];
beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), "mull-recorded-by-"));
  committed = [];
  store = await openRunStore(directory, { beforeCommit: (record) => committed.push(record) });
  await store.createRun(manifest(), config, problems);
});
afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

describe("recordedByWorker", () => {
  it("gives the store every result with the worker that computed it, and the rest unchanged", async () => {
    const worker = recordedByWorker(store, "gpu-box:4242:a1b2c3");
    expect(await worker.recordResult(result("p1", "greedy", "2", 1), samples("p1", "greedy", ["2"]))).toBe(
      true,
    );
    expect(committed).toEqual([{ ...result("p1", "greedy", "2", 1), worker: "gpu-box:4242:a1b2c3" }]);
    // A result another process recorded first is not recorded again, whoever computed it.
    expect(await worker.recordResult(result("p1", "greedy", "2", 1), [])).toBe(false);
    // Reads and claims are the store's own.
    expect(await worker.completedPairCount()).toBe(1);
    expect(await worker.claimPair("p2", "greedy", { owner: "other", leaseMilliseconds: 1000 })).toBe(
      "claimed",
    );
    expect(worker.label).toBe(store.label);
  });

  it("names its own worker on a result that already names another", async () => {
    const worker = recordedByWorker(store, "gpu-box:4242:a1b2c3");
    const named = { ...result("p1", "greedy", "2", 1), worker: "other-box:1:ffffff" };
    await worker.recordResult(named, samples("p1", "greedy", ["2"]));
    expect(committed.map((record) => record.worker)).toEqual(["gpu-box:4242:a1b2c3"]);
  });
});
