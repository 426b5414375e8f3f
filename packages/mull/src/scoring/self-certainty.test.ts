import { describe, expect, it } from "vitest";
import { seededRng } from "../runtime/index.ts";
import type { TokenLogprob } from "../spec/index.ts";
import { tokenSelfCertainty, traceSelfCertainty } from "./self-certainty.ts";
import { tokenConfidence } from "./token-confidence.ts";

const position = (...logprobs: number[]): TokenLogprob => ({
  token: "t0",
  logprob: logprobs[0]!,
  topLogprobs: logprobs.map((logprob, rank) => ({ token: `t${rank}`, logprob })),
});

/** KL(U_k ‖ p) summed term by term, Σ (1/k) log((1/k) / p_j): the definition, not the closed form. */
function divergenceFromUniform(probabilities: readonly number[]): number {
  const k = probabilities.length;
  return probabilities.reduce((sum, probability) => sum + (1 / k) * Math.log(1 / k / probability), 0);
}

describe("tokenSelfCertainty", () => {
  it("is KL(U_k ‖ p) over the top k alternatives", () => {
    // p = (1/2, 1/4, 1/4), the whole distribution: (1/3)·ln(32/27) = (5/3)·ln 2 − ln 3 ≈ 0.0566.
    const whole = position(Math.log(0.5), Math.log(0.25), Math.log(0.25));
    expect(tokenSelfCertainty(whole, 3)).toBeCloseTo(Math.log(32 / 27) / 3, 12);
    expect(tokenSelfCertainty(whole, 3)).toBeCloseTo(0.056633, 6);
    // Its top two: −(ln ½ + ln ¼)/2 − ln 2 = ½·ln 2.
    expect(tokenSelfCertainty(whole, 2)).toBeCloseTo(Math.log(2) / 2, 12);
    // −(−0.1 − 2.3)/2 − ln 2 = 1.2 − ln 2.
    expect(tokenSelfCertainty(position(-0.1, -2.3, -4.6), 2)).toBeCloseTo(1.2 - Math.LN2, 12);
    // Fewer alternatives than k: the uniform over those returned.
    expect(tokenSelfCertainty(whole, 20)).toBeCloseTo(Math.log(32 / 27) / 3, 12);
  });

  it("is 0 for a uniform top k that holds all the mass, and larger the more peaked p is", () => {
    const quarter = Math.log(0.25);
    expect(tokenSelfCertainty(position(quarter, quarter, quarter, quarter), 4)).toBeCloseTo(0, 12);
    const peaked = tokenSelfCertainty(
      position(Math.log(0.97), Math.log(0.01), Math.log(0.01), Math.log(0.01)),
      4,
    )!;
    const flatter = tokenSelfCertainty(
      position(Math.log(0.7), Math.log(0.1), Math.log(0.1), Math.log(0.1)),
      4,
    )!;
    // (1/4)·[ln(0.25/0.97) + 3·ln 25] ≈ 2.0752.
    expect(peaked).toBeCloseTo((Math.log(0.25 / 0.97) + 3 * Math.log(25)) / 4, 12);
    expect(peaked).toBeGreaterThan(flatter);
    expect(flatter).toBeGreaterThan(0);
  });

  it("is DeepConf's token confidence minus log k", () => {
    const token = position(-0.05, -3.2, -4.1, -6, -7.5);
    for (const k of [2, 3, 5]) {
      expect(tokenSelfCertainty(token, k)).toBeCloseTo(tokenConfidence(token, k)! - Math.log(k), 12);
    }
  });

  it("matches the definition and is never negative, on random distributions", () => {
    const rng = seededRng(11);
    for (let trial = 0; trial < 200; trial += 1) {
      const size = 2 + Math.floor(rng.next() * 30);
      const weights = Array.from({ length: size }, () => rng.next() ** 4 + 1e-9);
      const total = weights.reduce((sum, weight) => sum + weight, 0);
      const probabilities = weights.map((weight) => weight / total).sort((left, right) => right - left);
      const k = 2 + Math.floor(rng.next() * (size - 1));
      const value = tokenSelfCertainty(position(...probabilities.map(Math.log)), k)!;
      expect(value).toBeCloseTo(divergenceFromUniform(probabilities.slice(0, k)), 9);
      expect(value).toBeGreaterThanOrEqual(-1e-12);
    }
  });

  it("leaves out alternatives of probability 0, and needs two alternatives", () => {
    expect(tokenSelfCertainty(position(-0.1, -2.3, Number.NEGATIVE_INFINITY), 3)).toBeCloseTo(
      1.2 - Math.LN2,
      12,
    );
    expect(tokenSelfCertainty(position(-0.1), 5)).toBeUndefined();
    expect(tokenSelfCertainty(position(-0.1, Number.NEGATIVE_INFINITY), 5)).toBeUndefined();
    expect(tokenSelfCertainty({ token: "a", logprob: -1 }, 5)).toBeUndefined();
    expect(tokenSelfCertainty(position(-0.1, -2.3), 1)).toBeUndefined();
  });
});

describe("traceSelfCertainty", () => {
  it("is the mean over the positions that have alternatives", () => {
    const quarter = Math.log(0.25);
    const tokens = [
      position(Math.log(0.5), Math.log(0.25), Math.log(0.25)),
      position(quarter, quarter, quarter, quarter),
      { token: "x", logprob: -0.2 },
      position(-0.1, -2.3),
    ];
    // (ln(32/27)/3 + 0 + (1.2 − ln 2)) / 3.
    expect(traceSelfCertainty(tokens, { k: 4 })).toBeCloseTo(
      (Math.log(32 / 27) / 3 + 1.2 - Math.LN2) / 3,
      12,
    );
    expect(traceSelfCertainty([{ token: "x", logprob: -0.2 }], { k: 4 })).toBeUndefined();
    expect(traceSelfCertainty([], { k: 4 })).toBeUndefined();
  });
});
