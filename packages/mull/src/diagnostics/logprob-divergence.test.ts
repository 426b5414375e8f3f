import { describe, expect, it } from "vitest";
import { logprobDivergence } from "./logprob-divergence.ts";

const token = (text: string, logprob: number, top: [string, number][] = []) => ({
  token: text,
  logprob,
  topLogprobs: top.map(([alternative, value]) => ({ token: alternative, logprob: value })),
});

describe("logprobDivergence", () => {
  it("is zero for identical scores", () => {
    const tokens = [
      token("1", -0.1, [
        ["1", -0.1],
        ["2", -2.5],
      ]),
      token("+", -0.01, [
        ["+", -0.01],
        ["-", -4],
      ]),
    ];
    const divergence = logprobDivergence(tokens, tokens, 2);
    expect(divergence).toEqual({
      positions: 2,
      meanAbsolute: 0,
      maxAbsolute: 0,
      argmaxAgreements: 2,
      argmaxPositions: 2,
      topOverlap: 1,
    });
  });

  it("averages absolute differences, counts argmax flips and top-k overlap", () => {
    const reference = [
      token("1", -0.1, [
        ["1", -0.1],
        ["2", -2.5],
      ]),
      token("+", -0.7, [
        ["+", -0.7],
        ["-", -0.8],
      ]),
    ];
    const candidate = [
      token("1", -0.3, [
        ["1", -0.3],
        ["7", -1.5],
      ]),
      token("+", -0.8, [
        ["-", -0.6],
        ["+", -0.8],
      ]),
    ];
    const divergence = logprobDivergence(reference, candidate, 2);
    expect(divergence.positions).toBe(2);
    expect(divergence.meanAbsolute).toBeCloseTo(0.15, 12);
    expect(divergence.maxAbsolute).toBeCloseTo(0.2, 12);
    expect(divergence.argmaxAgreements).toBe(1);
    expect(divergence.topOverlap).toBeCloseTo(0.75, 12);
  });

  it("stops where the tokens part", () => {
    const divergence = logprobDivergence(
      [token("1", -1), token("2", -1)],
      [token("1", -1.5), token("3", -9)],
      1,
    );
    expect(divergence.positions).toBe(1);
    expect(divergence.maxAbsolute).toBeCloseTo(0.5, 12);
    expect(divergence.topOverlap).toBeUndefined();
  });
});
