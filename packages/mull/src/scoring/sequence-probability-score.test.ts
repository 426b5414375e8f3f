import { describe, expect, it } from "vitest";
import { CapabilityError } from "../errors/index.ts";
import type { Candidate } from "../spec/index.ts";
import { sequenceProbabilityScore } from "./sequence-probability-score.ts";

const candidate = (logprob: number | undefined, meanLogprob: number | undefined): Candidate => ({
  id: "n1",
  text: "#### 1",
  answer: "1",
  finishReason: "stop",
  completionTokens: 4,
  logprob,
  meanLogprob,
  scores: [],
});

describe("sequenceProbabilityScore", () => {
  it("is exp of the summed or mean log-probability", () => {
    expect(sequenceProbabilityScore(candidate(-2, -0.5))).toMatchObject({
      scorer: "sequence-probability",
      kind: "probability",
      value: Math.exp(-2),
    });
    expect(sequenceProbabilityScore(candidate(-2, -0.5), { normalize: "mean" }).value).toBeCloseTo(
      Math.exp(-0.5),
      14,
    );
  });

  it("throws a CapabilityError naming logprobs when the candidate has none", () => {
    expect(() => sequenceProbabilityScore(candidate(undefined, undefined))).toThrow(CapabilityError);
    try {
      sequenceProbabilityScore(candidate(undefined, undefined));
    } catch (error) {
      expect(CapabilityError.isInstance(error) && error.capability).toBe("logprobs");
    }
  });
});
