import { describe, expect, it } from "vitest";
import { seededRng } from "../../runtime/index.ts";
import { bootstrapAccuracy } from "./bootstrap-accuracy.ts";

function bernoulli(seed: number, count: number, probability: number): boolean[] {
  const rng = seededRng(seed);
  return Array.from({ length: count }, () => rng.next() < probability);
}

describe("bootstrapAccuracy", () => {
  it("gives the mean and an interval around it that repeats for a seed", () => {
    const outcomes = bernoulli(3, 200, 0.7);
    const mean = outcomes.filter(Boolean).length / outcomes.length;
    const first = bootstrapAccuracy(outcomes, { rng: seededRng(9), resamples: 500 });
    const again = bootstrapAccuracy(outcomes, { rng: seededRng(9), resamples: 500 });
    const other = bootstrapAccuracy(outcomes, { rng: seededRng(10), resamples: 500 });
    expect(first.accuracy).toBeCloseTo(mean, 12);
    expect(first).toEqual(again);
    expect(other.lower).not.toBe(first.lower);
    expect(first.lower).toBeLessThan(mean);
    expect(first.upper).toBeGreaterThan(mean);
    expect(first.count).toBe(200);
  });

  it("matches the normal approximation of a proportion's interval", () => {
    const outcomes = bernoulli(5, 400, 0.6);
    const p = outcomes.filter(Boolean).length / outcomes.length;
    const halfWidth = 1.959964 * Math.sqrt((p * (1 - p)) / outcomes.length);
    const estimate = bootstrapAccuracy(outcomes, { rng: seededRng(1), resamples: 4000 });
    expect(estimate.lower).toBeCloseTo(p - halfWidth, 2);
    expect(estimate.upper).toBeCloseTo(p + halfWidth, 2);
    const narrow = bootstrapAccuracy(outcomes, { rng: seededRng(1), resamples: 4000, confidence: 0.5 });
    expect(narrow.upper - narrow.lower).toBeLessThan((estimate.upper - estimate.lower) / 2);
  });

  it("covers the true accuracy about as often as the confidence says", () => {
    const truth = 0.3;
    let covered = 0;
    const trials = 200;
    for (let trial = 0; trial < trials; trial += 1) {
      const estimate = bootstrapAccuracy(bernoulli(100 + trial, 100, truth), {
        rng: seededRng(trial),
        resamples: 300,
      });
      if (estimate.lower <= truth && truth <= estimate.upper) covered += 1;
    }
    // 95% nominal; a binomial(200, 0.95) falls below 0.88 with negligible probability.
    expect(covered / trials).toBeGreaterThan(0.88);
    expect(covered / trials).toBeLessThan(0.995);
  });

  it("falls back to the Wilson interval where every outcome is the same, never to a point", () => {
    // 12 of 12 correct: every resample's mean is 1, so the bootstrap alone would say 100%–100%.
    const allCorrect = bootstrapAccuracy(new Array(12).fill(true), { rng: seededRng(1) });
    expect(allCorrect.method).toBe("wilson");
    expect(allCorrect.accuracy).toBe(1);
    expect(allCorrect.upper).toBe(1);
    expect(allCorrect.lower).toBeCloseTo(0.7575, 4);
    expect(allCorrect.lower).toBeLessThan(1);
    const noneCorrect = bootstrapAccuracy(new Array(12).fill(false), { rng: seededRng(1) });
    expect(noneCorrect).toMatchObject({ accuracy: 0, lower: 0, method: "wilson" });
    expect(noneCorrect.upper).toBeCloseTo(0.2425, 4);
    const fractional = bootstrapAccuracy([0.5, 0.5, 0.5], { rng: seededRng(1), resamples: 50 });
    expect(fractional.method).toBe("wilson");
    expect(fractional.lower).toBeLessThan(0.5);
    expect(fractional.upper).toBeGreaterThan(0.5);
  });

  it("contains its own estimate even from a single resample", () => {
    // One resample gives one mean: the percentile interval is that point, 10 of 12 or not.
    const outcomes = [...new Array(10).fill(true), false, false];
    for (let seed = 0; seed < 20; seed += 1) {
      const estimate = bootstrapAccuracy(outcomes, { rng: seededRng(seed), resamples: 1 });
      expect(estimate.method).toBe("wilson");
      expect(estimate.lower).toBeLessThan(estimate.accuracy);
      expect(estimate.upper).toBeGreaterThan(estimate.accuracy);
    }
  });

  it("keeps the bootstrap where it spreads around the estimate", () => {
    const estimate = bootstrapAccuracy(bernoulli(4, 50, 0.5), { rng: seededRng(2), resamples: 500 });
    expect(estimate.method).toBe("bootstrap");
    expect(estimate.lower).toBeLessThan(estimate.accuracy);
    expect(estimate.upper).toBeGreaterThan(estimate.accuracy);
  });

  it("refuses empty data and bad settings with the value in the message", () => {
    expect(() => bootstrapAccuracy([], { rng: seededRng(1) })).toThrow(/no outcomes/);
    expect(() => bootstrapAccuracy([1.5], { rng: seededRng(1) })).toThrow(/outcome 0 is 1.5/);
    expect(() => bootstrapAccuracy([true], { rng: seededRng(1), resamples: 0 })).toThrow(/resamples.*got 0/);
    expect(() => bootstrapAccuracy([true], { rng: seededRng(1), confidence: 1 })).toThrow(
      /confidence.*got 1/,
    );
  });
});
