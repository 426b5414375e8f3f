import { describe, expect, it } from "vitest";
import { logprobDivergence } from "./logprob-divergence.ts";
import { embeddedPositions, serverPositions } from "./recorded-alternatives.test-support.ts";

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

  it("matches tokens llama.cpp's server spells differently: the overlap of its top 20 is whole", () => {
    const divergence = logprobDivergence(embeddedPositions, serverPositions, 20);
    expect(divergence.positions).toBe(2);
    expect(divergence.topOverlap).toBe(1);
    expect(divergence.argmaxAgreements).toBe(2);
  });

  it("agrees on an end-of-sequence argmax spelled </s> on one side and empty on the other", () => {
    const divergence = logprobDivergence(
      [
        token("a", -3, [
          ["</s>", -0.1],
          ["a", -3],
        ]),
      ],
      [
        token("a", -3, [
          ["", -0.1],
          ["a", -3],
        ]),
      ],
      2,
    );
    expect(divergence.argmaxAgreements).toBe(1);
    expect(divergence.topOverlap).toBe(1);
  });
});
