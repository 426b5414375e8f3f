import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { isPairStrategy, planBench, runPair, startBenchRun } from "../runner/index.ts";
import { openRunStore, parseRunLocation } from "../store/index.ts";
import { workerIdentity } from "./admit-run-worker.ts";
import { jobRunLocation } from "./job-run-location.ts";
import type { PairJobData } from "./pair-job.ts";
import { prepareQueuedRun } from "./queued-run.ts";
import { buildSumsRun, type SumsRecipe, sumsRunOptions } from "./queued-sums.test-support.ts";

const recipe: SumsRecipe = { strategies: ["greedy"], seed: 7 };

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "mull-queued-run-"));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

/** A queued sums run created as `mull bench --queue` creates it, and the job of its first pair. */
async function queuedRun(): Promise<PairJobData> {
  const location = parseRunLocation(join(directory, "run"));
  const options = sumsRunOptions(recipe, "unused");
  const store = await openRunStore(location);
  try {
    const { runId } = await startBenchRun(store, options, planBench(options));
    return {
      store: jobRunLocation(location),
      runId,
      problemId: "sum-0",
      strategy: "greedy",
      recipe: { ...recipe },
    };
  } finally {
    await store.close();
  }
}

describe("prepareQueuedRun", () => {
  it("records each pair its context solves as computed by the worker it admitted", async () => {
    const job = await queuedRun();
    const identity = workerIdentity();
    const run = await prepareQueuedRun(job, buildSumsRun, { concurrency: 1, identity });
    try {
      const recorded = vi.spyOn(run.store, "recordResult");
      const strategy = run.strategies.get("greedy")!;
      expect(isPairStrategy(strategy)).toBe(true);
      if (!isPairStrategy(strategy)) return;
      const outcome = await runPair(run.problems.get("sum-0")!, strategy, run.context);
      expect(outcome).toMatchObject({ kind: "recorded", fresh: true });
      expect(recorded).toHaveBeenCalledTimes(1);
      expect(recorded.mock.calls[0]![0]).toMatchObject({
        problemId: "sum-0",
        strategy: "greedy",
        worker: identity.id,
      });
      // The same id the manifest lists the worker under, kept with the result in the store.
      const stored = await run.store.readRunData();
      expect(stored.manifest.workers?.map((worker) => worker.id)).toEqual([identity.id]);
      expect(stored.results.map((result) => result.worker)).toEqual([identity.id]);
    } finally {
      await run.close();
    }
  });
});
