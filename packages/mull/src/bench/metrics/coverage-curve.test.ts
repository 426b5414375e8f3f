import { describe, expect, it } from "vitest";
import { seededRng } from "../../runtime/index.ts";
import { coverageCurve, defaultCoverageKs } from "./coverage-curve.ts";

/** pass@k by enumerating every k-subset of n samples of which the first c are correct. */
function bruteForcePassAtK(n: number, c: number, k: number): number {
  let subsets = 0;
  let solved = 0;
  const visit = (start: number, chosen: number[]): void => {
    if (chosen.length === k) {
      subsets += 1;
      if (chosen.some((index) => index < c)) solved += 1;
      return;
    }
    for (let index = start; index < n; index += 1) visit(index + 1, [...chosen, index]);
  };
  visit(0, []);
  return solved / subsets;
}

describe("coverageCurve", () => {
  it("averages the unbiased pass@k over problems, as enumeration of subsets does", () => {
    const rng = seededRng(4);
    const counts = Array.from({ length: 6 }, () => {
      const n = 6 + Math.floor(rng.next() * 3);
      return { n, c: Math.floor(rng.next() * (n + 1)) };
    });
    const curve = coverageCurve(counts);
    expect(curve.map((point) => point.k)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const point of curve) {
      const expected =
        counts.reduce((sum, { n, c }) => sum + bruteForcePassAtK(n, c, point.k), 0) / counts.length;
      expect(point.coverage).toBeCloseTo(expected, 12);
    }
  });

  it("starts at the mean single-sample accuracy and ends at the fraction ever solved", () => {
    const counts = [
      { n: 10, c: 0 },
      { n: 10, c: 1 },
      { n: 10, c: 10 },
    ];
    const curve = coverageCurve(counts, [1, 10]);
    expect(curve[0]!.coverage).toBeCloseTo(11 / 30, 12);
    expect(curve[1]!.coverage).toBeCloseTo(2 / 3, 12);
  });

  it("stays accurate for large n", () => {
    const [point] = coverageCurve([{ n: 10_000, c: 3 }], [5000]);
    expect(point!.coverage).toBeCloseTo(1 - (5000 * 4999 * 4998) / (10_000 * 9999 * 9998), 9);
  });

  it("refuses k beyond the smallest n and invalid counts", () => {
    expect(() => coverageCurve([{ n: 4, c: 1 }], [5])).toThrow(/k=5 is out of range.*1 to 4/);
    expect(() => coverageCurve([{ n: 4, c: 5 }])).toThrow(/problem 0 has n=4, c=5/);
  });

  it("draws every k up to 64, then powers of two", () => {
    expect(defaultCoverageKs(3)).toEqual([1, 2, 3]);
    expect(defaultCoverageKs(100)).toEqual([1, 2, 4, 8, 16, 32, 64, 100]);
  });
});
