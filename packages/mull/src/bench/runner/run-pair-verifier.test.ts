import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { manualClock } from "../../runtime/index.ts";
import type { OutcomeScorer } from "../../spec/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import type { ResultRecord } from "../store/index.ts";
import { planBench } from "./bench-plan.ts";
import { recordingStore } from "./recording-store.test-support.ts";
import type { RunBenchOptions } from "./run-bench-options.ts";
import { pairContext, runPair } from "./run-pair.ts";
import { isPairStrategy } from "./strategy-sweep.ts";
import { hashGrader, respondToSum, sumsDataset } from "./sums-bench.test-support.ts";

/** A scorer that gives every solution `value`. */
function constantScorer(value: number): OutcomeScorer {
  return {
    name: "constant",
    score: async (_problem, solutions) => ({
      scores: solutions.map(() => ({ scorer: "constant", kind: "outcome" as const, value })),
      calls: 0,
    }),
  };
}

/** The record of `bon@2` on `sum-1` under a scorer that gives every solution `value`. */
async function bestOfTwoRecord(value: number): Promise<ResultRecord | undefined> {
  const options: RunBenchOptions = {
    dataset: sumsDataset(2),
    strategies: ["bon@2"],
    backend: createScriptedBackend({ respond: respondToSum }),
    out: join("unused", "run"),
    grader: hashGrader,
    seed: 5,
    sampling: { temperature: 0.7, maxTokens: 64 },
    clock: manualClock(),
    scorer: constantScorer(value),
  };
  const plan = planBench(options);
  const { store, recorded } = recordingStore();
  const context = pairContext(options, plan, store, new AbortController().signal);
  const [strategy] = plan.strategies.filter(isPairStrategy);
  const outcome = await runPair(plan.problems[1]!, strategy!, context);
  expect(outcome.kind).toBe("recorded");
  return recorded[0];
}

describe("runPair's verifier verdict", () => {
  it("counts a score of exactly 0.5 on the chosen candidate as accepted", async () => {
    expect(await bestOfTwoRecord(0.5)).toMatchObject({
      problemId: "sum-1",
      samples: 2,
      verifierAccepted: true,
    });
  });

  it("counts a score just below 0.5 as rejected", async () => {
    expect(await bestOfTwoRecord(0.49)).toMatchObject({ problemId: "sum-1", verifierAccepted: false });
  });
});
