import { describe, expect, it } from "vitest";
import type { ProblemResult } from "../run-data.ts";
import { summarizeUsage } from "./usage-summary.ts";

function result(
  promptTokens: number | undefined,
  completionTokens: number | undefined,
  calls: number,
): ProblemResult {
  return {
    problemId: `p${calls}`,
    strategy: "sc@4",
    answer: "1",
    correct: true,
    samples: calls * 2,
    promptTokens,
    completionTokens,
    calls,
    scoreCalls: 0,
    latencyMilliseconds: calls * 100,
    stoppedBy: "complete",
  };
}

describe("summarizeUsage", () => {
  it("sums and spreads tokens, calls, samples and latency per problem", () => {
    const usage = summarizeUsage([result(10, 100, 1), result(20, 300, 3)]);
    expect(usage.problems).toBe(2);
    expect(usage.promptTokens).toMatchObject({ total: 30, mean: 15 });
    expect(usage.completionTokens).toMatchObject({ total: 400, mean: 200, max: 300 });
    expect(usage.totalTokens).toMatchObject({ total: 430, min: 110, max: 320 });
    expect(usage.calls.total).toBe(4);
    expect(usage.samples.mean).toBe(4);
    expect(usage.latencyMilliseconds.median).toBe(200);
  });

  it("leaves a token count unknown when any result did not report it", () => {
    const usage = summarizeUsage([result(10, 100, 1), result(undefined, 300, 3)]);
    expect(usage.promptTokens).toBeUndefined();
    expect(usage.totalTokens).toBeUndefined();
    expect(usage.completionTokens?.total).toBe(400);
  });
});
