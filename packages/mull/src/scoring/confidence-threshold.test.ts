import { describe, expect, it } from "vitest";
import { confidenceThreshold } from "./confidence-threshold.ts";

describe("confidenceThreshold", () => {
  const values = [3, 1, 2, 5, 4, 9, 7, 8, 6, 10];

  it("keeps the most confident keepPercent% at or above it", () => {
    expect(confidenceThreshold(values, 90)).toBe(2);
    expect(confidenceThreshold(values, 10)).toBe(10);
    expect(confidenceThreshold(values, 50)).toBe(6);
    expect(confidenceThreshold([3, 1, 2, 5, 4], 60)).toBe(3);
    // 90% of 5 is 4.5, rounded to 5: every value is kept.
    expect(confidenceThreshold([5, 4, 3, 2, 1], 90)).toBe(1);
  });

  it("is the lowest value at 100%, keeps at least one, and ignores NaN", () => {
    expect(confidenceThreshold(values, 100)).toBe(1);
    expect(confidenceThreshold([4, 2], 1)).toBe(4);
    expect(confidenceThreshold([Number.NaN, 4, 2], 100)).toBe(2);
    expect(confidenceThreshold([], 90)).toBeUndefined();
  });
});
