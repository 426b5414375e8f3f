import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { manualClock } from "../../runtime/index.ts";
import { createScriptedBackend } from "../../testing/scripted-backend.ts";
import { acquireRunLock, openRunStore, RunInProgressError } from "../store/index.ts";
import { runBench } from "./run-bench.ts";
import type { RunBenchOptions } from "./run-bench-options.ts";
import { hashGrader, respondToSum, sumsDataset } from "./sums-bench.test-support.ts";

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "mull-runbench-claims-"));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

function options(overrides: Partial<RunBenchOptions> = {}): RunBenchOptions {
  return {
    dataset: sumsDataset(6),
    strategies: ["greedy", "sc@4"],
    backend: createScriptedBackend({ respond: respondToSum }),
    out: join(directory, "run"),
    grader: hashGrader,
    seed: 7,
    sampling: { temperature: 0.7, maxTokens: 64 },
    clock: manualClock(),
    ...overrides,
  };
}

describe("runBench's pair claims in a run directory", () => {
  it("runs at once the pairs a process that died left claimed: the directory's lock says it is gone", async () => {
    const stop = new AbortController();
    stop.abort(new Error("created only"));
    expect(await runBench(options({ signal: stop.signal }))).toMatchObject({ created: true, missing: 12 });
    const killed = await openRunStore(join(directory, "run"));
    for (const problemId of ["sum-0", "sum-1"]) {
      const claim = { owner: "killed", leaseMilliseconds: 600_000 };
      expect(await killed.claimPair(problemId, "sc@4", claim)).toBe("claimed");
    }
    await killed.close();
    const backend = createScriptedBackend({ respond: respondToSum });
    // Within the test's time limit, far below the dead claims' lease.
    const run = await runBench(options({ resume: true, backend }));
    expect(run).toMatchObject({ recorded: 12, recordedElsewhere: 0, missing: 0, interrupted: false });
    expect(backend.calls).toHaveLength(12);
    // Nothing is left claimed once the run returns.
    const store = await openRunStore(join(directory, "run"));
    try {
      const claim = { owner: "next", leaseMilliseconds: 600_000 };
      expect(await store.claimPair("sum-0", "sc@4", claim)).toBe("recorded");
    } finally {
      await store.close();
    }
  });

  it("leaves nothing for claims to do between two benches: the directory's lock refuses the second", async () => {
    const lock = acquireRunLock(join(directory, "run"));
    try {
      const refused = await runBench(options()).catch((error: unknown) => error);
      expect(RunInProgressError.isInstance(refused)).toBe(true);
    } finally {
      lock.release();
    }
  });

  it("refuses a claim lease below 100 ms, naming the field", async () => {
    await expect(runBench(options({ claimLeaseMilliseconds: 50 }))).rejects.toThrow(
      /^bench: claimLeaseMilliseconds must be an integer .*100.*, got 50/,
    );
  });
});
