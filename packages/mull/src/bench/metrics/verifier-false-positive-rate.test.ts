import { describe, expect, it } from "vitest";
import type { ProblemResult } from "../run-data.ts";
import { verifierFalsePositiveRate } from "./verifier-false-positive-rate.ts";

function result(correct: boolean, verifierAccepted?: boolean): ProblemResult {
  return {
    problemId: "p",
    strategy: "bon@4",
    answer: "1",
    correct,
    samples: 4,
    promptTokens: 1,
    completionTokens: 1,
    calls: 4,
    scoreCalls: 4,
    latencyMilliseconds: 1,
    stoppedBy: "complete",
    ...(verifierAccepted === undefined ? {} : { verifierAccepted }),
  };
}

describe("verifierFalsePositiveRate", () => {
  it("is the fraction of accepted chosen answers that are wrong", () => {
    const rates = verifierFalsePositiveRate([
      result(true, true),
      result(false, true),
      result(true, true),
      result(true, true),
      result(false, false),
      result(true, false),
      result(false),
    ]);
    expect(rates).toEqual({
      judged: 6,
      accepted: 4,
      falsePositives: 1,
      falsePositiveRate: 0.25,
      rejected: 2,
      falseNegatives: 1,
    });
  });

  it("is undefined without verdicts, and has no rate when nothing was accepted", () => {
    expect(verifierFalsePositiveRate([result(true), result(false)])).toBeUndefined();
    expect(verifierFalsePositiveRate([result(false, false)])?.falsePositiveRate).toBeUndefined();
  });
});
