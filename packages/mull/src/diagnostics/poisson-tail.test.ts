import { describe, expect, it } from "vitest";
import { poissonLowerTail, poissonUpperTail } from "./poisson-tail.ts";

describe("poissonLowerTail", () => {
  it("is e^-λ for no event", () => {
    expect(poissonLowerTail(0, 5)).toBeCloseTo(Math.exp(-5), 12);
  });
  it("sums the first terms", () => {
    // P(X ≤ 2 | λ = 3) = e^-3 (1 + 3 + 4.5)
    expect(poissonLowerTail(2, 3)).toBeCloseTo(Math.exp(-3) * 8.5, 12);
  });
  it("is 1 when nothing was expected, and about a half at the mean", () => {
    expect(poissonLowerTail(0, 0)).toBe(1);
    expect(poissonLowerTail(100, 100)).toBeGreaterThan(0.5);
    expect(poissonLowerTail(100, 100)).toBeLessThan(0.56);
  });
});

describe("poissonUpperTail", () => {
  it("complements the lower tail", () => {
    expect(poissonUpperTail(3, 2)).toBeCloseTo(1 - poissonLowerTail(2, 2), 12);
    expect(poissonUpperTail(0, 2)).toBe(1);
  });
});
