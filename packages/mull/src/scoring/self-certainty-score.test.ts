import { describe, expect, it } from "vitest";
import type { TokenLogprob } from "../spec/index.ts";
import { selfCertaintyScore } from "./self-certainty-score.ts";

const position = (...logprobs: number[]): TokenLogprob => ({
  token: "t0",
  logprob: logprobs[0]!,
  topLogprobs: logprobs.map((logprob, rank) => ({ token: `t${rank}`, logprob })),
});

describe("selfCertaintyScore", () => {
  it("scores a trace as a confidence score named self-certainty", () => {
    const score = selfCertaintyScore({ topLogprobs: 2 })([position(-0.1, -2.3, -4.6)]);
    expect(score).toEqual({ scorer: "self-certainty", kind: "confidence", value: expect.any(Number) });
    expect(score!.value).toBeCloseTo(1.2 - Math.LN2, 12);
    expect(selfCertaintyScore({ topLogprobs: 3, scorer: "sc3" })([position(-0.1, -2.3, -4.6)])).toMatchObject(
      {
        scorer: "sc3",
        value: expect.closeTo(7 / 3 - Math.log(3), 12),
      },
    );
    expect(selfCertaintyScore({ topLogprobs: 2 })([{ token: "x", logprob: -1 }])).toBeUndefined();
  });

  it("needs at least two alternatives per position", () => {
    expect(() => selfCertaintyScore({ topLogprobs: 1 })).toThrow(/topLogprobs must be an integer ≥ 2/);
  });
});
