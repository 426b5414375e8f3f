import { describe, expect, it } from "vitest";
import { seededRng } from "../runtime/index.ts";
import { softmaxWeights } from "./softmax-weights.ts";

describe("softmaxWeights", () => {
  it("weights are non-negative and sum to 1 for any scores and temperature", () => {
    const rng = seededRng(4);
    for (let trial = 0; trial < 200; trial += 1) {
      const scores = Array.from({ length: 1 + Math.floor(rng.next() * 20) }, () => (rng.next() - 0.5) * 2000);
      const temperature = 0.01 + rng.next() * 10;
      const weights = softmaxWeights(scores, temperature);
      expect(weights).toHaveLength(scores.length);
      for (const weight of weights) expect(weight).toBeGreaterThanOrEqual(0);
      expect(weights.reduce((sum, weight) => sum + weight, 0)).toBeCloseTo(1, 12);
    }
  });

  it("follows exp(score / temperature)", () => {
    const weights = softmaxWeights([1, 0, 0], 1);
    expect(weights[0]! / weights[1]!).toBeCloseTo(Math.E, 12);
    const sharp = softmaxWeights([1, 0], 0.5);
    expect(sharp[0]! / sharp[1]!).toBeCloseTo(Math.E ** 2, 12);
    expect(softmaxWeights([3, 3, 3])).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });

  it("gives -Infinity no weight and rejects what cannot be weighed", () => {
    expect(softmaxWeights([0, Number.NEGATIVE_INFINITY])).toEqual([1, 0]);
    expect(softmaxWeights([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY])).toEqual([0.5, 0.5]);
    expect(softmaxWeights([])).toEqual([]);
    expect(() => softmaxWeights([1], 0)).toThrow(/temperature/);
    expect(() => softmaxWeights([Number.NaN])).toThrow(/scores/);
  });
});
