import { describe, expect, it } from "vitest";
import { probabilityWeight, scoreWeight } from "../selection/index.ts";
import type { Candidate, Score } from "../spec/index.ts";
import { undecidedWeights, undecidedWeightsNote } from "./undecided-weights.ts";

function candidate(
  answer: string | undefined,
  fields: { scores?: Score[]; logprob?: number } = {},
): Candidate {
  return {
    id: `c${answer}`,
    text: `#### ${answer}`,
    answer,
    finishReason: "stop",
    completionTokens: 2,
    scores: fields.scores ?? [],
    ...(fields.logprob === undefined ? {} : { logprob: fields.logprob }),
  };
}

const judged = (value: number, detail?: string): Score[] => [
  { scorer: "judge", kind: "judge", value, ...(detail === undefined ? {} : { detail }) },
];
const byScore = scoreWeight({ scorer: "judge" });

describe("undecidedWeights", () => {
  it("counts the replies without a verdict when every weight is 0", () => {
    const candidates = [
      candidate("2", { scores: judged(0, "no verdict in the judge's reply: Hard to say.") }),
      candidate("1", { scores: judged(0, "Wrong. Score: 0/10") }),
      candidate("1"),
    ];
    expect(undecidedWeights(candidates, byScore, "judge")).toEqual({ weighed: 2, noVerdict: 1 });
  });

  it("leaves a vote that some weight decides, and one with no answer to find", () => {
    const decided = [candidate("2", { scores: judged(0) }), candidate("1", { scores: judged(0.1) })];
    expect(undecidedWeights(decided, byScore, "judge")).toBeUndefined();
    expect(undecidedWeights([candidate(undefined, { scores: judged(0) })], byScore, "judge")).toBeUndefined();
  });

  it("finds nothing weighed when no candidate with an answer can be weighed", () => {
    const candidates = [candidate("2"), candidate(undefined, { scores: judged(0.9) })];
    expect(undecidedWeights(candidates, byScore, "judge")).toEqual({ weighed: 0, noVerdict: 0 });
  });

  it("weighs no candidate by a NaN weight: the others' zeros still leave the weights undecided", () => {
    const candidates = [
      candidate("2", { scores: judged(0) }),
      candidate("1", { scores: judged(Number.NaN) }),
    ];
    expect(undecidedWeights(candidates, byScore, "judge")).toEqual({ weighed: 1, noVerdict: 0 });
  });

  it("reads probability 0 as nothing on a log scale, and any other log-probability as a weight", () => {
    const weight = probabilityWeight();
    const none = [
      candidate("2", { logprob: Number.NEGATIVE_INFINITY }),
      candidate("1", { logprob: Number.NEGATIVE_INFINITY }),
    ];
    expect(undecidedWeights(none, weight)).toEqual({ weighed: 2, noVerdict: 0 });
    // A log-probability of 0 is probability 1.
    expect(
      undecidedWeights([candidate("2", { logprob: 0 }), candidate("1", { logprob: -5 })], weight),
    ).toBeUndefined();
  });
});

describe("undecidedWeightsNote", () => {
  it("says why the weights could not choose", () => {
    expect(undecidedWeightsNote("wv@3", { weighed: 0, noVerdict: 0 }, "linear")).toBe(
      "wv@3: no candidate could be weighed; falling back to a majority vote",
    );
    expect(undecidedWeightsNote("wv@4", { weighed: 3, noVerdict: 2 }, "linear")).toBe(
      "wv@4: all 3 weighed candidates weigh 0, so the weights cannot choose; 2 of 3 replies held no usable verdict; falling back to a majority vote",
    );
    expect(undecidedWeightsNote("wv-prob@2", { weighed: 1, noVerdict: 0 }, "log")).toBe(
      "wv-prob@2: the 1 weighed candidate has probability 0, so the weights cannot choose; falling back to a majority vote",
    );
  });
});
