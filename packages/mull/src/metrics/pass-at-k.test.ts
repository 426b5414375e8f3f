import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { passAtK } from "./pass-at-k.ts";

/** Every k-subset of {0..n-1}. */
function* subsets(n: number, k: number, start = 0, chosen: number[] = []): Generator<number[]> {
  if (chosen.length === k) {
    yield chosen;
    return;
  }
  for (let index = start; index < n; index += 1) yield* subsets(n, k, index + 1, [...chosen, index]);
}

/** The fraction of k-subsets holding at least one of the first c (correct) samples. */
function bruteForce(n: number, correct: number, k: number): number {
  let hit = 0;
  let all = 0;
  for (const subset of subsets(n, k)) {
    all += 1;
    if (subset.some((index) => index < correct)) hit += 1;
  }
  return hit / all;
}

describe("passAtK", () => {
  it("matches brute-force enumeration of k-subsets for every small case", () => {
    for (let n = 1; n <= 9; n += 1) {
      for (let correct = 0; correct <= n; correct += 1) {
        for (let k = 1; k <= n; k += 1) {
          expect(passAtK(n, correct, k)).toBeCloseTo(bruteForce(n, correct, k), 12);
        }
      }
    }
  });

  it("is c/n at k = 1 and stays finite and in [0, 1] for large n", () => {
    expect(passAtK(200, 37, 1)).toBeCloseTo(37 / 200, 14);
    const value = passAtK(10_000, 3, 5_000);
    expect(value).toBeGreaterThan(0.87);
    expect(value).toBeLessThan(0.876);
    expect(passAtK(10_000, 0, 100)).toBe(0);
  });

  it("rejects impossible arguments, naming them", () => {
    expect(() => passAtK(0, 0, 1)).toThrow(ConfigError);
    expect(() => passAtK(5, 6, 1)).toThrow(/correct must be an integer between 0 and n = 5, got 6/);
    expect(() => passAtK(5, 2, 6)).toThrow(/k must be/);
    expect(() => passAtK(5, 2, 0)).toThrow(/k must be/);
    expect(() => passAtK(5, 1.5, 1)).toThrow(/correct/);
  });
});
