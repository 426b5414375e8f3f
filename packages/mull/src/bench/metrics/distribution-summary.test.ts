import { describe, expect, it } from "vitest";
import { summarizeDistribution } from "./distribution-summary.ts";

describe("summarizeDistribution", () => {
  it("computes total, mean, median and the 90th percentile by linear interpolation", () => {
    const summary = summarizeDistribution([10, 1, 4, 7, 3]);
    expect(summary).toEqual({ count: 5, total: 25, mean: 5, min: 1, median: 4, p90: 8.8, max: 10 });
    expect(summarizeDistribution([1, 2, 3, 4]).median).toBe(2.5);
  });

  it("has zero count and NaN statistics for no values", () => {
    const summary = summarizeDistribution([]);
    expect(summary.count).toBe(0);
    expect(summary.total).toBe(0);
    expect(summary.mean).toBeNaN();
    expect(summary.median).toBeNaN();
  });
});
