import { describe, expect, it } from "vitest";
import { syntheticRun } from "../testing/index.ts";
import { runCompleteness } from "./run-completeness.ts";
import type { ProblemResult, RunData } from "./run-data.ts";

const base = syntheticRun({ seed: 3, problems: 2 });

/** A greedy result on `problemId`. */
function result(problemId: string): ProblemResult {
  return {
    problemId,
    strategy: "greedy",
    answer: "1",
    correct: true,
    samples: 1,
    promptTokens: 10,
    completionTokens: 5,
    calls: 1,
    scoreCalls: 0,
    latencyMilliseconds: 3,
    stoppedBy: "complete",
  };
}

describe("runCompleteness", () => {
  it("counts no result of a problem the run does not hold", () => {
    const run: RunData = {
      ...base,
      manifest: { ...base.manifest, strategies: ["greedy"] },
      results: [result("p0"), result("p1"), result("p9")],
      samples: [],
    };
    expect(run.problems.map((problem) => problem.id)).toEqual(["p0", "p1"]);
    expect(runCompleteness(run)).toEqual({
      problems: 2,
      total: 2,
      recorded: 2,
      complete: true,
      strategies: [{ strategy: "greedy", recorded: 2 }],
      comparable: ["p0", "p1"],
    });
  });

  it("is not complete while a problem of the run lacks a result, whatever other problems have", () => {
    const run: RunData = {
      ...base,
      manifest: { ...base.manifest, strategies: ["greedy"] },
      results: [result("p0"), result("p9")],
      samples: [],
    };
    expect(runCompleteness(run)).toMatchObject({
      total: 2,
      recorded: 1,
      complete: false,
      comparable: ["p0"],
    });
  });
});
