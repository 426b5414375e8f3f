import { describe, expect, it } from "vitest";
import { type CascadeReplayStrategy, cascadeOutcome } from "./cascade-outcome.ts";
import type { GradedProblem, GradedSample } from "./grade-replay.ts";
import { subsetOutcome } from "./problem-outcome.ts";
import { parseReplayStrategy } from "./replay-strategy.ts";

interface Drawn {
  readonly answer: string | undefined;
  readonly tokens: number;
  /** The trace's probability; its text is its answer, so equal answers are one trace. */
  readonly probability?: number;
}

function problem(gold: string, drawn: readonly Drawn[]): GradedProblem {
  return {
    id: "p",
    gold,
    difficulty: undefined,
    location: "test:p",
    samples: drawn.map(
      ({ answer, tokens, probability }): GradedSample => ({
        answer,
        key: answer,
        correct: answer === gold,
        completionTokens: tokens,
        characters: tokens,
        text: `so ${answer ?? "nothing"}`,
        logprob: probability === undefined ? undefined : Math.log(probability),
        reward: undefined,
      }),
    ),
  };
}

function cascade(spec: string): CascadeReplayStrategy {
  return parseReplayStrategy(spec) as CascadeReplayStrategy;
}

const split = problem("7", [
  { answer: "7", tokens: 10 },
  { answer: "8", tokens: 12 },
  { answer: "7", tokens: 11 },
  { answer: undefined, tokens: 9 },
]);
const larger = problem("7", [
  { answer: "7", tokens: 30 },
  { answer: "7", tokens: 40 },
  { answer: "9", tokens: 50 },
]);

describe("cascadeOutcome", () => {
  it("answers with the first model when its agreement reaches the threshold, charging only its samples", () => {
    // Two of the three answered samples agree: 0.67 ≥ 0.6; the unanswered one does not vote but is paid for.
    const outcome = cascadeOutcome(
      split,
      split.samples,
      larger,
      larger.samples,
      cascade("cascade@4x3t0.6"),
      "probability",
    );
    expect(outcome).toMatchObject({
      score: 1,
      answer: "7",
      samples: 4,
      tokens: 42,
      escalated: 0,
      escalationTokens: 0,
    });
  });

  it("escalates below the threshold, and the larger model's vote answers alone", () => {
    const wrongSmall = problem("7", [
      { answer: "8", tokens: 10 },
      { answer: "8", tokens: 10 },
      { answer: "7", tokens: 10 },
    ]);
    const outcome = cascadeOutcome(
      wrongSmall,
      wrongSmall.samples,
      larger,
      larger.samples,
      cascade("cascade@3t1"),
      "probability",
    );
    // maj@3 on the larger model: "7" twice; the small model's two "8" are not mixed in.
    expect(outcome).toMatchObject({
      score: 1,
      answer: "7",
      samples: 6,
      tokens: 150,
      escalated: 1,
      escalationTokens: 120,
    });
  });

  it("counts a pool with no answer as agreement 0, escalated by any threshold above 0 as the live cascade does", () => {
    const silent = problem("7", [{ answer: undefined, tokens: 5 }]);
    const outcome = cascadeOutcome(
      silent,
      silent.samples,
      larger,
      larger.samples.slice(0, 1),
      cascade("cascade@1x1t0.01"),
      "probability",
    );
    expect(outcome).toMatchObject({ answer: "7", escalated: 1, samples: 2, tokens: 35 });
  });

  it("with threshold 0 is the first model's majority vote: answer, samples and tokens", () => {
    const outcome = cascadeOutcome(
      split,
      split.samples,
      larger,
      larger.samples,
      cascade("cascade@4t0"),
      "probability",
    );
    const vote = subsetOutcome(split, split.samples, parseReplayStrategy("maj@4"), "probability");
    expect(outcome).toEqual({ ...vote, escalated: 0, escalationTokens: 0 });
  });

  it("cascade-mass answers with the first model once its mass is certified, and escalates when it is not", () => {
    // One trace of probability 0.9: its mass beats the runner-up's (none) plus the 0.1 left uncovered.
    const sure = problem("7", [
      { answer: "7", tokens: 10, probability: 0.9 },
      { answer: "8", tokens: 10, probability: 0.05 },
    ]);
    const unsure = problem("7", [
      { answer: "8", tokens: 10, probability: 0.2 },
      { answer: "7", tokens: 10, probability: 0.1 },
    ]);
    const massLarger = problem("7", [
      { answer: "7", tokens: 30, probability: 0.6 },
      { answer: "9", tokens: 30, probability: 0.3 },
    ]);
    const strategy = cascade("cascade-mass@2x2");
    expect(
      cascadeOutcome(sure, sure.samples, massLarger, massLarger.samples, strategy, "probability"),
    ).toMatchObject({
      answer: "7",
      samples: 1,
      tokens: 10,
      escalated: 0,
    });
    // Two distinct traces cover 0.3: "8" (0.2) does not beat "7" (0.1) plus 0.7 uncovered; the larger
    // model's mass@2 stops at its first trace (0.6 > 0 + 0.4) and answers "7".
    expect(
      cascadeOutcome(unsure, unsure.samples, massLarger, massLarger.samples, strategy, "probability"),
    ).toMatchObject({ score: 1, answer: "7", samples: 3, tokens: 50, escalated: 1, escalationTokens: 30 });
  });
});
