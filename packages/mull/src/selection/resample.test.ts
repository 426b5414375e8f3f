import { describe, expect, it } from "vitest";
import { seededRng } from "../runtime/index.ts";
import type { Rng } from "../spec/index.ts";
import { resample } from "./resample.ts";

/** An rng whose `next` returns `values` in turn, round and round. */
function fixedRng(values: readonly number[]): Rng {
  let position = 0;
  const rng: Rng = {
    next: () => values[position++ % values.length]!,
    nextSeed: () => 1,
    fork: () => rng,
  };
  return rng;
}

/** Pearson's chi-square of observed counts against expected counts (bins with expectation 0 must be empty). */
function chiSquare(observed: readonly number[], expected: readonly number[]): number {
  return observed.reduce((sum, count, index) => {
    const wanted = expected[index]!;
    if (wanted === 0) {
      expect(count).toBe(0);
      return sum;
    }
    return sum + (count - wanted) ** 2 / wanted;
  }, 0);
}

const weights = [0.05, 0.4, 0.0, 0.15, 0.3, 0.1];

describe("resample", () => {
  for (const method of ["multinomial", "systematic"] as const) {
    it(`${method}: counts follow the weights over many seeded draws (chi-square)`, () => {
      const rng = seededRng(11);
      const counts = new Array<number>(weights.length).fill(0);
      const draws = 4000;
      const each = 8;
      for (let draw = 0; draw < draws; draw += 1) {
        for (const index of resample(weights, each, rng, method)) counts[index]! += 1;
      }
      const total = draws * each;
      const expected = weights.map((weight) => weight * total);
      // 4 degrees of freedom (five non-zero bins): the 99.9th percentile is 18.47.
      expect(chiSquare(counts, expected)).toBeLessThan(18.47);
      expect(counts[2]).toBe(0);
    });
  }

  it("normalises weights that do not sum to 1", () => {
    const scaled = weights.map((weight) => weight * 37);
    const first = resample(scaled, 16, seededRng(5));
    const second = resample(weights, 16, seededRng(5));
    expect(first).toEqual(second);
  });

  it("systematic resampling gives each index the floor or ceiling of its expected count", () => {
    const rng = seededRng(2);
    let violations = 0;
    for (let draw = 0; draw < 500; draw += 1) {
      const counts = new Array<number>(weights.length).fill(0);
      for (const index of resample(weights, 10, rng, "systematic")) counts[index]! += 1;
      counts.forEach((count, index) => {
        const expected = weights[index]! * 10;
        if (count < Math.floor(expected - 1e-9) || count > Math.ceil(expected + 1e-9)) violations += 1;
      });
    }
    expect(violations).toBe(0);
  });

  it("with equal weights, systematic resampling keeps every particle once while multinomial does not", () => {
    const equal = [1, 1, 1, 1, 1, 1, 1, 1];
    const rng = seededRng(9);
    let multinomialIdentity = 0;
    for (let draw = 0; draw < 200; draw += 1) {
      expect(resample(equal, 8, rng, "systematic")).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      const drawn = resample(equal, 8, rng, "multinomial");
      if (drawn.join() === "0,1,2,3,4,5,6,7") multinomialIdentity += 1;
    }
    // 8!/8^8 ≈ 0.24% of multinomial draws are the identity.
    expect(multinomialIdentity).toBeLessThan(10);
  });

  it("never draws a zero-weight index at the boundary of its interval", () => {
    // A point on the first cumulative sum (0 here) lies past the interval [0, 0) of a zero weight.
    expect(resample([0, 1], 1, fixedRng([0]), "systematic")).toEqual([1]);
    expect(resample([0.5, 0.5], 2, fixedRng([0]), "systematic")).toEqual([0, 1]);
    expect(resample([0, 1], 3, fixedRng([0]), "multinomial")).toEqual([1, 1, 1]);
  });

  it("never draws a trailing zero weight when the cumulative sum rounds below 1", () => {
    // 0.3 + 0.1 + 1/3 sums to 0.9999999999999999 after normalising: a draw just under 1 lies past it,
    // and belongs to the last positive weight, not to the zero weight after it.
    expect(resample([0.3, 0.1, 1 / 3, 0], 1, fixedRng([1 - 2 ** -53]), "multinomial")).toEqual([2]);
  });

  it("returns multinomial draws in ascending order, whatever order they were drawn in", () => {
    expect(resample([1, 1, 1], 3, fixedRng([0.9, 0.1, 0.5]))).toEqual([0, 1, 2]);
  });

  it("is reproducible from the seed and rejects bad weights", () => {
    expect(resample(weights, 12, seededRng(3))).toEqual(resample(weights, 12, seededRng(3)));
    expect(resample(weights, 0, seededRng(3))).toEqual([]);
    expect(() => resample([0, 0], 2, seededRng(1))).toThrow(/positive/);
    expect(() => resample([1, -1], 2, seededRng(1))).toThrow(/≥ 0/);
    expect(() => resample([1, Number.NaN], 2, seededRng(1))).toThrow(/finite/);
    expect(() => resample([1], 1.5, seededRng(1))).toThrow(/count/);
  });
});
