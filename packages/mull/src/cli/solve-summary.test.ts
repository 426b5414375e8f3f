import { describe, expect, it } from "vitest";
import { solveResult } from "./solve-result.test-support.ts";
import { solveSummary } from "./solve-summary.ts";

describe("solveSummary", () => {
  it("gives the answer, votes, candidates and usage with the total, then the extra fields", () => {
    const summary = solveSummary(solveResult(), { seed: 7 });
    expect(summary).toEqual({
      answer: "42",
      strategy: "sc@2",
      stoppedBy: "complete",
      partial: false,
      votes: { "42": 2 },
      candidates: [
        {
          id: "g1",
          answer: "42",
          text: "#### 42",
          finishReason: "stop",
          completionTokens: 3,
          logprob: null,
          scores: [],
        },
        {
          id: "g2",
          answer: "42",
          text: "#### 42",
          finishReason: "stop",
          completionTokens: 3,
          logprob: null,
          scores: [],
        },
      ],
      usage: { promptTokens: 10, completionTokens: 6, totalTokens: 16, calls: 1, scoreCalls: 0 },
      seed: 7,
    });
  });

  it("says null for what is unknown or absent: an answer, votes, unreported counts", () => {
    const summary = solveSummary(
      solveResult({
        answer: undefined,
        votes: undefined,
        usage: { promptTokens: undefined, completionTokens: undefined, calls: 2 },
      }),
      {},
    );
    expect(summary.answer).toBeNull();
    expect(summary.votes).toBeNull();
    expect(summary.usage).toEqual({
      promptTokens: null,
      completionTokens: null,
      totalTokens: null,
      calls: 2,
      scoreCalls: 0,
    });
    expect(summary).not.toHaveProperty("usageByModel");
  });

  it("gives each model's usage where several generated", () => {
    const usageByModel = {
      "lab-small": { promptTokens: 10, completionTokens: 6, calls: 1 },
      "lab-large": { promptTokens: 4, completionTokens: undefined, calls: 1 },
    };
    expect(solveSummary(solveResult({ usageByModel }), {}).usageByModel).toEqual({
      "lab-small": { promptTokens: 10, completionTokens: 6, totalTokens: 16, calls: 1 },
      "lab-large": { promptTokens: 4, completionTokens: null, totalTokens: null, calls: 1 },
    });
  });
});
