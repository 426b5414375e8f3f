import { describe, expect, it } from "vitest";
import type { TokenLogprob } from "../spec/index.ts";
import { distributionEntropy, topDistribution } from "./top-distribution.ts";

function position(alternatives: readonly [token: string, probability: number][]): TokenLogprob {
  return {
    token: alternatives[0]![0],
    logprob: Math.log(alternatives[0]![1]),
    topLogprobs: alternatives.map(([token, probability]) => ({ token, logprob: Math.log(probability) })),
  };
}

describe("topDistribution", () => {
  it("renormalises the first k alternatives with a finite log-probability", () => {
    const distribution = topDistribution(
      position([
        ["a", 0.3],
        ["b", 0.1],
        ["c", 0],
        ["d", 0.2],
      ]),
      3,
    );
    expect([...distribution!.keys()]).toEqual(["a", "b"]);
    expect(distribution!.get("a")).toBeCloseTo(0.75, 12);
    expect(topDistribution({ token: "x", logprob: -1 })).toBeUndefined();
  });

  it("adds up the probabilities of an alternative listed twice", () => {
    const distribution = topDistribution(
      position([
        ["a", 0.5],
        ["a", 0.25],
        ["b", 0.25],
      ]),
    );
    expect(distribution!.get("a")).toBeCloseTo(0.75, 12);
    expect(distribution!.get("b")).toBeCloseTo(0.25, 12);
    expect(distributionEntropy(distribution!)).toBeCloseTo(
      -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)),
      12,
    );
  });
});
