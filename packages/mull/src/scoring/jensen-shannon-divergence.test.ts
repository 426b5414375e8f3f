import { describe, expect, it } from "vitest";
import { jensenShannonDivergence } from "./jensen-shannon-divergence.ts";

describe("jensenShannonDivergence", () => {
  it("is 0 for equal distributions, ln 2 for disjoint ones, and symmetric", () => {
    const p = new Map([
      ["a", 0.5],
      ["b", 0.5],
    ]);
    const q = new Map([["a", 1]]);
    expect(jensenShannonDivergence(p, p)).toBe(0);
    expect(jensenShannonDivergence(new Map([["a", 1]]), new Map([["b", 1]]))).toBeCloseTo(Math.LN2, 12);
    // By hand: m = (0.75, 0.25); KL(p‖m) = 0.5 ln(0.5/0.75) + 0.5 ln(0.5/0.25); KL(q‖m) = ln(1/0.75).
    const expected = 0.5 * (0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(2)) + 0.5 * Math.log(1 / 0.75);
    expect(jensenShannonDivergence(p, q)).toBeCloseTo(expected, 12);
    expect(jensenShannonDivergence(q, p)).toBeCloseTo(expected, 12);
  });
});
