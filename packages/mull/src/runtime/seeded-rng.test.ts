import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { seededRng } from "./seeded-rng.ts";

describe("seededRng", () => {
  it("repeats its sequence for the same seed and differs for another", () => {
    const first = Array.from({ length: 5 }, seededRng(7).next);
    const again = seededRng(7);
    expect(Array.from({ length: 5 }, () => again.next())).toEqual(first);
    const other = seededRng(8);
    expect(Array.from({ length: 5 }, () => other.next())).not.toEqual(first);
  });

  it("is uniform on [0, 1): ten equal bins within a chi-square bound", () => {
    const rng = seededRng(123);
    const bins = new Array<number>(10).fill(0);
    const draws = 100_000;
    for (let index = 0; index < draws; index += 1) {
      const value = rng.next();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
      bins[Math.floor(value * 10)]! += 1;
    }
    const expected = draws / 10;
    const chiSquare = bins.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    // 9 degrees of freedom: the 99.9th percentile is 27.9.
    expect(chiSquare).toBeLessThan(27.9);
  });

  it("forks independent, reproducible streams", () => {
    const parent = seededRng(1);
    const child = parent.fork();
    const parentAgain = seededRng(1);
    const childAgain = parentAgain.fork();
    expect(child.next()).toBe(childAgain.next());
    expect(parent.next()).toBe(parentAgain.next());
    expect(() => seededRng(1.5)).toThrow(ConfigError);
    expect(() => seededRng(1.5)).toThrow("seededRng: seed must be an integer, got 1.5");
  });
});
