import { describe, expect, it } from "vitest";
import { normalQuantile } from "./normal-quantile.ts";
import { wilsonInterval } from "./wilson-interval.ts";

describe("wilsonInterval", () => {
  it("matches the textbook values", () => {
    // Wilson (1927); e.g. Newcombe (1998), table I: 81 of 263 at 95% gives 0.2553–0.3662.
    const interval = wilsonInterval(81, 263, 0.95);
    expect(interval.lower).toBeCloseTo(0.2553, 4);
    expect(interval.upper).toBeCloseTo(0.3662, 4);
    const half = wilsonInterval(5, 10, 0.95);
    expect(half.lower).toBeCloseTo(0.2366, 4);
    expect(half.upper).toBeCloseTo(0.7634, 4);
  });

  it("reaches 1 at an all-correct sample without collapsing to it", () => {
    const interval = wilsonInterval(12, 12, 0.95);
    expect(interval.upper).toBe(1);
    // n / (n + z²): 12 / (12 + 1.959964²).
    expect(interval.lower).toBeCloseTo(12 / (12 + 1.959964 ** 2), 6);
    const none = wilsonInterval(0, 12, 0.95);
    expect(none.lower).toBe(0);
    expect(none.upper).toBeCloseTo(1 - interval.lower, 12);
  });

  it("contains the observed share and narrows with the count and a lower confidence", () => {
    for (const [successes, count] of [
      [0, 1],
      [1, 1],
      [3, 7],
      [2.5, 4],
      [999, 1000],
    ] as const) {
      const interval = wilsonInterval(successes, count, 0.95);
      expect(interval.lower).toBeLessThanOrEqual(successes / count);
      expect(interval.upper).toBeGreaterThanOrEqual(successes / count);
      expect(interval.upper).toBeGreaterThan(interval.lower);
    }
    const small = wilsonInterval(7, 10, 0.95);
    const large = wilsonInterval(70, 100, 0.95);
    const loose = wilsonInterval(7, 10, 0.5);
    expect(large.upper - large.lower).toBeLessThan(small.upper - small.lower);
    expect(loose.upper - loose.lower).toBeLessThan(small.upper - small.lower);
  });

  it("refuses a count, share or confidence out of range, naming the value", () => {
    expect(() => wilsonInterval(1, 0, 0.95)).toThrow("wilsonInterval: count must be an integer ≥ 1, got 0");
    expect(() => wilsonInterval(3, 2, 0.95)).toThrow(/successes must be a number from 0 to 2, got 3/);
    expect(() => wilsonInterval(1, 2, 1)).toThrow(/confidence must be .*got 1/);
  });
});

describe("normalQuantile", () => {
  it("inverts the standard normal distribution in the centre and the tails", () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.959964, 6);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829, 6);
    expect(normalQuantile(0.8413447)).toBeCloseTo(1, 6);
    expect(normalQuantile(1e-6)).toBeCloseTo(-4.753424, 5);
    expect(normalQuantile(0)).toBeNaN();
    expect(normalQuantile(1)).toBeNaN();
  });
});
