import { describe, expect, it } from "vitest";
import { createConcurrencyLimit } from "../../runtime/index.ts";
import type { BenchProblem } from "../datasets/index.ts";
import type { PairClaims } from "./pair-claims.ts";
import { runPendingPairs } from "./run-pending-pairs.ts";
import { expandStrategySweep } from "./strategy-sweep.ts";

describe("runPendingPairs", () => {
  it("starts no allocation batch once the run is stopped while it claims the allocation's problems", async () => {
    const problems: BenchProblem[] = [
      { id: "p1", question: "1+1=?", gold: "2" },
      { id: "p2", question: "2+2=?", gold: "4" },
    ];
    const [strategy] = expandStrategySweep(["alloc@4"]);
    expect(strategy?.allocation).toBeDefined();
    let stopped = false;
    const claimed: string[] = [];
    const claims: PairClaims = {
      owner: "test",
      pollMilliseconds: 1,
      async claim(problemId) {
        claimed.push(problemId);
        // Stopped (a pair failed elsewhere, or a signal) right after the first claim.
        stopped = true;
        return "claimed";
      },
      release: async () => undefined,
    };
    const settled: string[] = [];
    await runPendingPairs(
      problems.map((problem) => ({ problem, strategy: strategy! })),
      {
        // A stopped run reads neither: no allocation is run.
        plan: { problems, concurrency: 1 } as never,
        context: { signal: new AbortController().signal } as never,
        claims,
        limit: createConcurrencyLimit(1),
        dropWaiting: new AbortController().signal,
        stopped: () => stopped,
        settle: (problem) => settled.push(problem.id),
        recordedElsewhere: () => undefined,
      },
    );
    expect(claimed).toEqual(["p1"]);
    expect(settled).toEqual([]);
  });
});
