import { describe, expect, it } from "vitest";
import { seededRng } from "../runtime/index.ts";
import type { TokenLogprob } from "../spec/index.ts";
import { coupledSamplingDivergence } from "./coupled-sampling-divergence.ts";
import { embeddedPositions, serverPositions } from "./recorded-alternatives.test-support.ts";

/** One position whose chosen token is `token` and whose alternatives have these probabilities. */
function position(token: string, alternatives: Record<string, number>): TokenLogprob {
  const topLogprobs = Object.entries(alternatives)
    .map(([text, probability]) => ({ token: text, logprob: Math.log(probability) }))
    .sort((left, right) => right.logprob - left.logprob);
  return { token, logprob: Math.log(alternatives[token] ?? 1e-9), topLogprobs };
}

const options = { temperature: 1, draws: 64, topK: 5 };

describe("coupledSamplingDivergence", () => {
  it("never parts identical distributions", () => {
    const tokens = [position("1", { "1": 0.5, "2": 0.3, "3": 0.2 }), position("+", { "+": 0.9, "-": 0.1 })];
    const divergence = coupledSamplingDivergence(tokens, tokens, { ...options, rng: seededRng(1) });
    expect(divergence.positions).toBe(2);
    expect(divergence.mismatches).toBe(0);
    expect(divergence.mismatchRate).toBe(0);
    expect(divergence.meanTotalVariation).toBe(0);
  });

  it("parts two-token distributions at their total-variation distance (Gumbel-max coupling is optimal there)", () => {
    const reference = [position("a", { a: 0.5, b: 0.5 })];
    const candidate = [position("a", { a: 0.6, b: 0.4 })];
    const divergence = coupledSamplingDivergence(reference, candidate, {
      ...options,
      draws: 20_000,
      rng: seededRng(7),
    });
    expect(divergence.meanTotalVariation).toBeCloseTo(0.1, 10);
    // 20,000 draws: the standard error of a 0.1 rate is about 0.002.
    expect(divergence.mismatchRate).toBeGreaterThan(0.09);
    expect(divergence.mismatchRate).toBeLessThan(0.11);
  });

  it("grows with the perturbation and counts a token one side lacks as impossible there", () => {
    const reference = [position("x", { x: 0.7, y: 0.2, z: 0.1 })];
    const slightly = [position("x", { x: 0.69, y: 0.21, z: 0.1 })];
    const truncated = [position("x", { x: 0.7, y: 0.2 })];
    const rate = (candidate: TokenLogprob[]) =>
      coupledSamplingDivergence(reference, candidate, { ...options, draws: 5_000, rng: seededRng(3) });
    expect(rate(slightly).mismatchRate).toBeLessThan(rate(truncated).mismatchRate);
    expect(rate(truncated).meanTotalVariation).toBeCloseTo(0.1, 10);
  });

  it("tempers both sides: a higher temperature spreads the mass and changes the distance", () => {
    const reference = [position("a", { a: 0.9, b: 0.1 })];
    const candidate = [position("a", { a: 0.8, b: 0.2 })];
    const cold = coupledSamplingDivergence(reference, candidate, { ...options, rng: seededRng(1) });
    const hot = coupledSamplingDivergence(reference, candidate, {
      ...options,
      temperature: 2,
      rng: seededRng(1),
    });
    expect(cold.meanTotalVariation).toBeCloseTo(0.1, 10);
    // At temperature 2: 0.75/0.25 against 2/3 and 1/3.
    expect(hot.meanTotalVariation).toBeCloseTo(0.75 - 2 / 3, 10);
  });

  it("stops where the token texts part and skips positions without alternatives", () => {
    const reference = [
      { token: "a", logprob: -0.1 },
      position("b", { b: 0.5, c: 0.5 }),
      position("c", { c: 0.5, d: 0.5 }),
    ];
    const candidate = [
      { token: "a", logprob: -0.1 },
      position("b", { b: 0.4, c: 0.6 }),
      position("x", { x: 1 }),
    ];
    const divergence = coupledSamplingDivergence(reference, candidate, { ...options, rng: seededRng(1) });
    expect(divergence.positions).toBe(1);
    expect(divergence.maxTotalVariation).toBeCloseTo(0.1, 10);
  });

  it("repeats exactly for one seed", () => {
    const reference = [position("a", { a: 0.5, b: 0.3, c: 0.2 })];
    const candidate = [position("a", { a: 0.3, b: 0.3, c: 0.4 })];
    const first = coupledSamplingDivergence(reference, candidate, { ...options, rng: seededRng(11) });
    const second = coupledSamplingDivergence(reference, candidate, { ...options, rng: seededRng(11) });
    expect(second).toEqual(first);
    expect(first.mismatches).toBeGreaterThan(0);
  });
});

describe("coupledSamplingDivergence across backends that spell tokens differently", () => {
  it("reads llama.cpp's server on the same weights as the embedded backend, end-of-sequence and byte tokens included", () => {
    for (const topK of [5, 20]) {
      const divergence = coupledSamplingDivergence(embeddedPositions, serverPositions, {
        temperature: 2,
        draws: 256,
        topK,
        rng: seededRng(1),
      });
      expect(divergence.positions).toBe(2);
      // Float noise of 0.001 in logprobs moves these tempered distributions by at most 4e-5; end-of-sequence
      // alone, unmatched, would weigh 6e-4.
      expect(divergence.maxTotalVariation).toBeLessThan(1e-4);
      expect(divergence.mismatches).toBe(0);
    }
  });

  it("still sees a changed probability of a token the two sides name differently", () => {
    const [first] = serverPositions;
    const moved: TokenLogprob = {
      ...(first as TokenLogprob),
      topLogprobs: (first?.topLogprobs ?? []).map((entry) =>
        entry.logprob === -14.914 ? { token: "", logprob: -8 } : entry,
      ),
    };
    const divergence = coupledSamplingDivergence(embeddedPositions.slice(0, 1), [moved], {
      temperature: 2,
      draws: 16,
      topK: 20,
      rng: seededRng(1),
    });
    // exp(-4) of the top's weight where exp(-7.46) was: about 0.017 of the mass moves.
    expect(divergence.maxTotalVariation).toBeGreaterThan(0.015);
  });
});
