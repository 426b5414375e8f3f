import { describe, expect, it } from "vitest";
import { tokenConfidence } from "./token-confidence.ts";

const top = (...logprobs: number[]) => logprobs.map((logprob, rank) => ({ token: `t${rank}`, logprob }));

describe("tokenConfidence", () => {
  it("is the negative mean of the top-k log-probabilities", () => {
    const token = { token: "t0", logprob: -0.1, topLogprobs: top(-0.1, -2.3, -4.6) };
    expect(tokenConfidence(token, 3)).toBeCloseTo(7 / 3, 12);
    expect(tokenConfidence(token, 2)).toBeCloseTo(1.2, 12);
    // Fewer alternatives than k: the mean over those returned.
    expect(tokenConfidence(token, 5)).toBeCloseTo(7 / 3, 12);
  });

  it("is larger for a peaked distribution than for a flat one", () => {
    const peaked = { token: "a", logprob: -0.01, topLogprobs: top(-0.01, -5, -6) };
    const flat = { token: "a", logprob: -1.1, topLogprobs: top(-1.1, -1.1, -1.1) };
    expect(tokenConfidence(peaked, 3)!).toBeGreaterThan(tokenConfidence(flat, 3)!);
  });

  it("is undefined without top alternatives", () => {
    expect(tokenConfidence({ token: "a", logprob: -1 }, 5)).toBeUndefined();
    expect(tokenConfidence({ token: "a", logprob: -1, topLogprobs: [] }, 5)).toBeUndefined();
  });
});
