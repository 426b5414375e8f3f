import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createConcurrencyLimit, manualClock } from "../../runtime/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import type { PairClaim } from "../store/index.ts";
import { planBench } from "./bench-plan.ts";
import type { PairClaims } from "./pair-claims.ts";
import { recordingStore } from "./recording-store.test-support.ts";
import type { RunBenchOptions } from "./run-bench-options.ts";
import { pairContext } from "./run-pair.ts";
import { runPendingPairs } from "./run-pending-pairs.ts";
import { hashGrader, respondToSum, sumsDataset } from "./sums-bench.test-support.ts";

describe("runPendingPairs with a pair another process holds", () => {
  it("asks about the pair again and runs it once its holder lets go", async () => {
    const options: RunBenchOptions = {
      dataset: sumsDataset(1),
      strategies: ["greedy"],
      backend: createScriptedBackend({ respond: respondToSum }),
      out: join("unused", "run"),
      grader: hashGrader,
      seed: 7,
      clock: manualClock(),
    };
    const plan = planBench(options);
    const { store, recorded } = recordingStore();
    const context = pairContext(options, plan, store, new AbortController().signal);
    // Held elsewhere on the first pass, free on the second.
    const answers: PairClaim[] = ["taken", "claimed"];
    const asked: string[] = [];
    const claims: PairClaims = {
      owner: "test",
      pollMilliseconds: 1,
      async claim(problemId, strategy) {
        asked.push(`${problemId} ${strategy}`);
        return answers.shift() ?? "recorded";
      },
      release: async () => undefined,
    };
    const settled: { problemId: string; kind: string }[] = [];
    const [strategy] = plan.strategies;
    const [problem] = plan.problems;
    await runPendingPairs([{ problem: problem!, strategy: strategy! }], {
      plan,
      context,
      claims,
      limit: createConcurrencyLimit(1),
      dropWaiting: new AbortController().signal,
      stopped: () => false,
      settle: (settledProblem, _strategy, outcome) =>
        settled.push({ problemId: settledProblem.id, kind: outcome.kind }),
      recordedElsewhere: () => undefined,
    });
    expect(asked).toEqual(["sum-0 greedy", "sum-0 greedy"]);
    expect(settled).toEqual([{ problemId: "sum-0", kind: "recorded" }]);
    expect(recorded.map((record) => record.problemId)).toEqual(["sum-0"]);
  });
});
