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

  it("accepts fractional outcomes and collapses on constant data", () => {
    const estimate = bootstrapAccuracy([0.5, 0.5, 0.5], { rng: seededRng(1), resamples: 50 });
    expect(estimate).toMatchObject({ accuracy: 0.5, lower: 0.5, upper: 0.5 });
    expect(bootstrapAccuracy([true, true], { rng: seededRng(1) }).lower).toBe(1);
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
