import { describe, expect, it } from "vitest";
import type { ProblemResult } from "../run-data.ts";
import { tokensByModel } from "./tokens-by-model.ts";

/** A routed result on `problemId` whose tokens by model are `usageByModel` (or none). */
function result(problemId: string, usageByModel?: ProblemResult["usageByModel"]): ProblemResult {
  return {
    problemId,
    strategy: "cascade@4",
    answer: "4",
    correct: true,
    samples: 4,
    promptTokens: 40,
    completionTokens: 60,
    calls: 4,
    scoreCalls: 0,
    latencyMilliseconds: 10,
    stoppedBy: "complete",
    ...(usageByModel === undefined ? {} : { usageByModel }),
  };
}

describe("tokensByModel", () => {
  it("sums each model's backend calls over the results, not the results that name it", () => {
    const byModel = tokensByModel([
      result("p1", { small: { promptTokens: 10, completionTokens: 20, calls: 3 } }),
      result("p2", { small: { promptTokens: 5, completionTokens: 15, calls: 5 } }),
    ]);
    expect(byModel?.small).toEqual({ prompt: 15, completion: 35, total: 50, calls: 8, perProblem: 25 });
  });

  it("divides a model's tokens by every problem of the strategy, also those without tokens by model", () => {
    const byModel = tokensByModel([
      result("p1", { small: { promptTokens: 40, completionTokens: 60, calls: 1 } }),
      result("p2"),
    ]);
    expect(byModel?.small?.total).toBe(100);
    expect(byModel?.small?.perProblem).toBe(50);
  });

  it("is undefined when no result records tokens by model", () => {
    expect(tokensByModel([result("p1"), result("p2")])).toBeUndefined();
  });
});
