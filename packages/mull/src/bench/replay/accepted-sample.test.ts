import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { acceptedSample } from "./accepted-sample.ts";
import type { GradedProblem, GradedSample } from "./grade-replay.ts";
import { parseReplayStrategy } from "./replay-strategy.ts";

function problemWith(rewards: readonly (number | undefined)[]): GradedProblem {
  return {
    id: "p",
    difficulty: undefined,
    location: "test.jsonl:p",
    samples: rewards.map(
      (reward, index): GradedSample => ({
        answer: String(index),
        key: String(index),
        correct: index === 0,
        completionTokens: 10,
        characters: 10,
        logprob: undefined,
        reward,
      }),
    ),
  };
}

describe("acceptedSample", () => {
  it("accepts the first sample whose reward reaches the threshold, reading no further", () => {
    const problem = problemWith([0.2, 0.6, 0.9, undefined]);
    expect(acceptedSample(problem, problem.samples, parseReplayStrategy("accept@4"), "probability")).toEqual({
      used: 2,
      accepted: 1,
    });
    expect(
      acceptedSample(problem, problem.samples, parseReplayStrategy("accept@4:t0.9"), "probability"),
    ).toEqual({ used: 3, accepted: 2 });
  });

  it("abstains after reading every sample when none reaches the threshold", () => {
    const problem = problemWith([0.2, 0.4, 0.49]);
    expect(acceptedSample(problem, problem.samples, parseReplayStrategy("accept@3"), "probability")).toEqual({
      used: 3,
      accepted: undefined,
    });
  });

  it("reads logit rewards through the logistic: 0 is even odds", () => {
    const problem = problemWith([-0.1, 0, 3]);
    expect(acceptedSample(problem, problem.samples, parseReplayStrategy("accept@3"), "logit").accepted).toBe(
      1,
    );
    // logistic(3) = 0.953.
    expect(
      acceptedSample(problem, problem.samples, parseReplayStrategy("accept@3:t0.95"), "logit").accepted,
    ).toBe(2);
  });

  it("refuses a sample it reads without a reward, or a probability outside [0, 1]", () => {
    const blind = problemWith([0.1, undefined]);
    expect(() =>
      acceptedSample(blind, blind.samples, parseReplayStrategy("accept@2"), "probability"),
    ).toThrow(/accept@2 needs a reward .* problem "p" \(test.jsonl:p\) has none/);
    // A sample after the accepted one is never read, so it need not have a reward.
    const early = problemWith([0.7, undefined]);
    expect(acceptedSample(early, early.samples, parseReplayStrategy("accept@2"), "probability").used).toBe(1);
    const raw = problemWith([2.5]);
    expect(() => acceptedSample(raw, raw.samples, parseReplayStrategy("accept@1"), "probability")).toThrow(
      ConfigError,
    );
    expect(() => acceptedSample(raw, raw.samples, parseReplayStrategy("accept@1"), "probability")).toThrow(
      /reward 2.5 .* outside \[0, 1\]; pass --reward-scale logit/,
    );
  });
});
