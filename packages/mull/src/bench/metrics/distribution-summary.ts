import { quantileOfSorted } from "./quantile-of-sorted.ts";

/** Count, total and spread of a list of numbers (tokens per problem, latencies, calls). */
export interface DistributionSummary {
  readonly count: number;
  readonly total: number;
  readonly mean: number;
  readonly min: number;
  readonly median: number;
  /** 90th percentile (linear interpolation between order statistics). */
  readonly p90: number;
  readonly max: number;
}

/**
 * Summarises numbers: count, total, mean, min, median, 90th percentile, max. For no values the count and
 * total are 0 and the other fields are `NaN`.
 *
 * @example
 * summarizeDistribution([3, 1, 2]); // { count: 3, total: 6, mean: 2, min: 1, median: 2, p90: 2.8, max: 3 }
 */
export function summarizeDistribution(values: readonly number[]): DistributionSummary {
  const sorted = [...values].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  const count = sorted.length;
  return {
    count,
    total,
    mean: count === 0 ? Number.NaN : total / count,
    min: count === 0 ? Number.NaN : sorted[0]!,
    median: quantileOfSorted(sorted, 0.5),
    p90: quantileOfSorted(sorted, 0.9),
    max: count === 0 ? Number.NaN : sorted[count - 1]!,
  };
}
