import { describe, expect, it } from "vitest";
import type { GradedProblem, GradedSample } from "./grade-replay.ts";
import { parseReplayStrategy } from "./replay-strategy.ts";
import { rewardProbability } from "./reward-probability.ts";

const problem: GradedProblem = { id: "p", difficulty: undefined, location: "test.jsonl:p", samples: [] };
const sample = (reward: number | undefined): GradedSample => ({
  answer: "1",
  key: "1",
  correct: true,
  completionTokens: 1,
  characters: 1,
  logprob: undefined,
  reward,
});
const wv = parseReplayStrategy("wv@4");

describe("rewardProbability", () => {
  it("takes a probability-scale reward as it is, and a logit through the logistic", () => {
    expect(rewardProbability(problem, sample(0.3), wv, "probability")).toBe(0.3);
    expect(rewardProbability(problem, sample(0), wv, "logit")).toBe(0.5);
    expect(rewardProbability(problem, sample(2), wv, "logit")).toBeCloseTo(1 / (1 + Math.exp(-2)), 15);
    // A logit may be any number; only probabilities are bounded.
    expect(rewardProbability(problem, sample(-7), wv, "logit")).toBeGreaterThan(0);
  });

  it("refuses a missing reward, and a probability outside [0, 1], naming the problem and the strategy", () => {
    expect(() => rewardProbability(problem, sample(undefined), wv, "logit")).toThrow(
      'wv@4 needs a reward for every sample, but a sample of problem "p" (test.jsonl:p) has none',
    );
    expect(() => rewardProbability(problem, sample(1.5), wv, "probability")).toThrow(
      /wv@4: reward 1.5 of a sample of problem "p" is outside \[0, 1\]; pass --reward-scale logit/,
    );
  });
});
