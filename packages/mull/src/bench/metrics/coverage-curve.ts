import { ConfigError } from "../../errors/index.ts";
import { passAtK } from "../../metrics/index.ts";

/** Samples drawn for one problem and how many of them were correct. */
export interface SampleCounts {
  /** Samples drawn (n). */
  readonly n: number;
  /** Correct samples among them (c). */
  readonly c: number;
}

/** Coverage (pass@k averaged over problems) at one k. */
export interface CoveragePoint {
  readonly k: number;
  /** Mean over problems of the unbiased pass@k estimate, in [0, 1]. */
  readonly coverage: number;
}

/**
 * The k values a coverage curve is drawn at when none are given: every k up to 64, beyond that the powers
 * of two, always ending at `maxK`.
 */
export function defaultCoverageKs(maxK: number): number[] {
  if (!Number.isInteger(maxK) || maxK < 1) return [];
  if (maxK <= 64) return Array.from({ length: maxK }, (_, index) => index + 1);
  const ks: number[] = [];
  for (let k = 1; k < maxK; k *= 2) ks.push(k);
  ks.push(maxK);
  return ks;
}

/**
 * The coverage curve of a strategy (Large Language Monkeys): for each k, the fraction of problems solved
 * by at least one of k samples, estimated without bias from each problem's (n, c) by
 * 1 − C(n−c, k)/C(n, k) and averaged over problems. k runs up to the smallest n, since the estimator
 * needs k ≤ n for every problem.
 *
 * @throws ConfigError when a count is not a valid (n, c) pair or a k is out of range.
 * @example
 * coverageCurve([{ n: 4, c: 1 }, { n: 4, c: 0 }], [1, 2, 4]);
 * // [{ k: 1, coverage: 0.125 }, { k: 2, coverage: 0.25 }, { k: 4, coverage: 0.5 }]
 */
export function coverageCurve(counts: readonly SampleCounts[], ks?: readonly number[]): CoveragePoint[] {
  if (counts.length === 0) return [];
  for (const [index, { n, c }] of counts.entries()) {
    if (!Number.isInteger(n) || !Number.isInteger(c) || n < 1 || c < 0 || c > n) {
      throw new ConfigError(
        `coverageCurve: problem ${index} has n=${n}, c=${c}; expected integers with 0 <= c <= n, n >= 1`,
        { field: `counts[${index}]` },
      );
    }
  }
  const smallestN = Math.min(...counts.map((count) => count.n));
  const chosen = ks ?? defaultCoverageKs(smallestN);
  return chosen.map((k) => {
    if (!Number.isInteger(k) || k < 1 || k > smallestN) {
      throw new ConfigError(
        `coverageCurve: k=${k} is out of range; expected an integer from 1 to ${smallestN}`,
        { field: "ks" },
      );
    }
    const total = counts.reduce((sum, { n, c }) => sum + passAtK(n, c, k), 0);
    return { k, coverage: total / counts.length };
  });
}
