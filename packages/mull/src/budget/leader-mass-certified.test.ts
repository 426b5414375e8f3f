import { describe, expect, it } from "vitest";
import type { Candidate } from "../spec/index.ts";
import { answerMass, leaderMassCertified } from "./leader-mass-certified.ts";
import type { RunProgress } from "./run-progress.ts";

function progress(
  traces: readonly [text: string, answer: string | undefined, probability?: number][],
): RunProgress {
  const candidates: Candidate[] = traces.map(([text, answer, probability], index) => ({
    id: `c${index}`,
    text,
    answer,
    finishReason: "stop",
    completionTokens: 1,
    scores: [],
    ...(probability === undefined ? {} : { logprob: Math.log(probability) }),
  }));
  const votes: Record<string, number> = {};
  for (const [, answer] of traces) if (answer !== undefined) votes[answer] = (votes[answer] ?? 0) + 1;
  return {
    spent: {
      usage: { promptTokens: 0, completionTokens: traces.length, calls: traces.length },
      scoreCalls: 0,
      elapsedMilliseconds: 0,
      costUsd: undefined,
    },
    candidates,
    votes,
    keys: traces.map(([, answer]) => answer),
  };
}

describe("answerMass", () => {
  it("sums distinct traces' probabilities per answer; repeats, unanswered and unweighed traces add nothing", () => {
    const mass = answerMass(
      progress([
        ["a", "7", 0.3],
        ["a", "7", 0.3],
        ["b", "8", 0.2],
        ["c", "7", 0.1],
        ["d", undefined, 0.2],
        ["e", "9"],
      ]),
    );
    expect(mass.ranked.map(([key]) => key)).toEqual(["7", "8"]);
    expect(mass.ranked[0]![1]).toBeCloseTo(0.4, 12);
    expect(mass.ranked[1]![1]).toBeCloseTo(0.2, 12);
    expect(mass.covered).toBeCloseTo(0.6, 12);
  });
});

describe("leaderMassCertified", () => {
  const stops = (weight: number, traces: Parameters<typeof progress>[0]) =>
    leaderMassCertified(weight).shouldStop(progress(traces));

  it("stops exactly when the leader's mass beats the runner-up's plus the uncovered mass", () => {
    // 0.5 against 0 + 0.5 uncovered: a tie is no certificate; 0.51 is.
    expect(stops(1, [["a", "7", 0.5]])).toBe(false);
    expect(stops(1, [["a", "7", 0.51]])).toBe(true);
    // 0.45 against 0.1 + 0.45 uncovered: no; one more distinct 7 of 0.05 makes 0.5 against 0.1 + 0.4.
    expect(
      stops(1, [
        ["a", "7", 0.45],
        ["b", "8", 0.1],
      ]),
    ).toBe(false);
    expect(
      stops(1, [
        ["a", "7", 0.45],
        ["b", "8", 0.1],
        ["c", "7", 0.05],
      ]),
    ).toBe(true);
    // A repeat is the same trace: it does not add to the mass.
    expect(
      stops(1, [
        ["a", "7", 0.45],
        ["a", "7", 0.45],
      ]),
    ).toBe(false);
  });

  it("scales the uncovered mass by its weight; at 0 a lead by mass is enough", () => {
    expect(stops(0.5, [["a", "7", 0.4]])).toBe(true); // 0.4 > 0.5 × 0.6
    expect(stops(0.8, [["a", "7", 0.4]])).toBe(false); // 0.4 < 0.8 × 0.6
    expect(
      stops(0, [
        ["a", "7", 0.01],
        ["b", "8", 0.009],
      ]),
    ).toBe(true);
    expect(
      stops(0, [
        ["a", "7", 0.01],
        ["b", "8", 0.01],
      ]),
    ).toBe(false);
  });

  it("counts no uncovered mass when the traces' probabilities add up past 1, so a tie is still no certificate", () => {
    // Two distinct traces at 0.6 each: covered 1.2, uncovered 0, not −0.2.
    expect(
      stops(1, [
        ["a", "7", 0.6],
        ["b", "8", 0.6],
      ]),
    ).toBe(false);
  });

  it("never stops without an answer that carries a log-probability, and refuses a weight outside 0 to 1", () => {
    expect(
      stops(0, [
        ["a", "7"],
        ["b", undefined, 0.9],
      ]),
    ).toBe(false);
    expect(() => leaderMassCertified(-0.1)).toThrow(/unexploredWeight.*-0\.1/);
  });
});
