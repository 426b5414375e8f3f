import { describe, expect, it } from "vitest";
import type { Candidate } from "../spec/index.ts";
import type { RunProgress } from "./run-progress.ts";
import { weightedConsensusReached, weightedShare } from "./weighted-consensus-reached.ts";

/** Candidates with these answers and confidences (the score `c`), `cut` ones marked so. */
function progressOf(
  entries: readonly { readonly answer?: string; readonly weight: number; readonly cut?: boolean }[],
): RunProgress {
  const candidates: Candidate[] = entries.map((entry, index) => ({
    id: String(index),
    text: "",
    answer: entry.answer,
    finishReason: entry.cut === true ? "cut" : "stop",
    completionTokens: 1,
    scores: [{ scorer: "c", kind: "confidence", value: entry.weight }],
  }));
  return {
    spent: {
      usage: { promptTokens: undefined, completionTokens: entries.length, calls: entries.length },
      scoreCalls: 0,
      elapsedMilliseconds: 0,
      costUsd: undefined,
    },
    candidates,
    votes: {},
    keys: entries.map((entry) => entry.answer),
  };
}

const confidence = (candidate: Candidate) => candidate.scores[0]?.value;
const uncutConfidence = (candidate: Candidate) =>
  candidate.finishReason === "cut" ? undefined : candidate.scores[0]?.value;

describe("weightedShare", () => {
  it("is the leader's share of the weights, skipping candidates without an answer or a weight", () => {
    const progress = progressOf([
      { answer: "7", weight: 3 },
      { answer: "8", weight: 1 },
      { answer: "7", weight: 4 },
      { weight: 100 },
      { answer: "8", weight: 100, cut: true },
    ]);
    expect(weightedShare(progress, uncutConfidence)).toBe(7 / 8);
    // Weighed, the cut trace makes "8" the leader.
    expect(weightedShare(progress, confidence)).toBe(101 / 108);
    expect(weightedShare(progressOf([]), confidence)).toBeUndefined();
    expect(weightedShare(progressOf([{ answer: "7", weight: 0 }]), confidence)).toBeUndefined();
  });
});

describe("weightedConsensusReached", () => {
  it("stops once the leader holds the fraction of the weighted vote, not of the head count", () => {
    const condition = weightedConsensusReached(0.8, uncutConfidence);
    expect(condition.name).toBe("consensus");
    // Two of three traces say "8", but "7" holds 8 of 10 of the confidence.
    const weighted = progressOf([
      { answer: "7", weight: 8 },
      { answer: "8", weight: 1 },
      { answer: "8", weight: 1 },
    ]);
    expect(condition.shouldStop(weighted)).toBe(true);
    expect(weightedConsensusReached(0.81, uncutConfidence).shouldStop(weighted)).toBe(false);
    // A cut trace does not vote, however confident.
    const withCut = progressOf([
      { answer: "7", weight: 8 },
      { answer: "8", weight: 1 },
      { answer: "8", weight: 8, cut: true },
      { answer: "8", weight: 1 },
    ]);
    expect(condition.shouldStop(withCut)).toBe(true);
    expect(weightedConsensusReached(0.8, confidence).shouldStop(withCut)).toBe(false);
  });

  it("never stops before any weight is cast, and refuses a fraction outside (0, 1]", () => {
    expect(weightedConsensusReached(0.5, confidence).shouldStop(progressOf([]))).toBe(false);
    expect(weightedConsensusReached(0.5, confidence).shouldStop(progressOf([{ weight: 5 }]))).toBe(false);
    expect(weightedConsensusReached(1, confidence).shouldStop(progressOf([{ answer: "7", weight: 2 }]))).toBe(
      true,
    );
    expect(() => weightedConsensusReached(0, confidence)).toThrow(/weightedConsensusReached: fraction/);
    expect(() => weightedConsensusReached(1.5, confidence)).toThrow(/weightedConsensusReached: fraction/);
  });
});
