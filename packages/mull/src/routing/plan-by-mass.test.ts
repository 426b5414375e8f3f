import { describe, expect, it } from "vitest";
import type { RunProgress } from "../budget/index.ts";
import type { Candidate } from "../spec/index.ts";
import { massGap, planByMass } from "./plan-by-mass.ts";

/** Progress over traces given as [text, answer, probability]. */
function progress(traces: readonly (readonly [string, string, number])[]): RunProgress {
  const candidates = traces.map(
    ([text, answer, probability], index): Candidate => ({
      id: String(index),
      text,
      answer,
      logprob: Math.log(probability),
      finishReason: "stop",
      completionTokens: 1,
      scores: [],
    }),
  );
  const votes: Record<string, number> = {};
  for (const [, answer] of traces) votes[answer] = (votes[answer] ?? 0) + 1;
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

describe("massGap", () => {
  it("is 0 once the leader's mass is certified, else how much mass it is short", () => {
    expect(massGap(progress([["a", "1", 0.6]]))).toBe(0);
    // 0.3 for 1 against 0.1 for 2 and 0.6 uncovered: 0.4 short.
    expect(
      massGap(
        progress([
          ["a", "1", 0.3],
          ["b", "2", 0.1],
        ]),
      ),
    ).toBeCloseTo(0.4, 12);
    // A trace drawn twice counts once.
    expect(
      massGap(
        progress([
          ["a", "1", 0.3],
          ["a", "1", 0.3],
        ]),
      ),
    ).toBeCloseTo(0.4, 12);
  });

  it("keeps a claim, however small, for a lead of exactly nothing", () => {
    expect(massGap(progress([["a", "1", 0.5]]))).toBe(Number.EPSILON);
  });
});

describe("planByMass", () => {
  it("splits the samples by the gaps, none to a certified problem, at most the cap each", () => {
    expect(planByMass([0, 0.4, 0.2], 6, 10)).toEqual({ extra: [0, 4, 2], weights: [0, 0.4, 0.2] });
    expect(planByMass([0, 0.4, 0.2], 6, 3).extra).toEqual([0, 3, 3]);
  });
});
