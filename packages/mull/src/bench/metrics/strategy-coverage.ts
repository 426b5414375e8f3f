import type { RunData } from "../run-data.ts";
import { type CoveragePoint, coverageCurve, type SampleCounts } from "./coverage-curve.ts";
import { type CoverageFit, fitCoverage } from "./fit-coverage.ts";
import { strategyOrder } from "./strategy-order.ts";

/** The coverage curve of one strategy's samples, with its fit. */
export interface StrategyCoverage {
  readonly strategy: string;
  /** Problems with at least one sample. */
  readonly problems: number;
  /**
   * The smallest sample count over those problems: the curve's largest k, since the unbiased estimate
   * needs k ≤ n on every problem.
   */
  readonly maxK: number;
  /** The largest sample count over those problems: above `maxK` for a strategy that stops early. */
  readonly mostSamples: number;
  readonly points: readonly CoveragePoint[];
  /** `undefined` when the curve has fewer than two points strictly between 0 and 1. */
  readonly fit: CoverageFit | undefined;
}

/**
 * Per-problem (n, c) counts of each strategy's recorded samples, by strategy.
 *
 * @example
 * sampleCountsByStrategy(run).get("sc@8"); // [{ n: 8, c: 5 }, ...]
 */
export function sampleCountsByStrategy(run: RunData): Map<string, SampleCounts[]> {
  const counts = new Map<string, Map<string, { n: number; c: number }>>();
  for (const sample of run.samples) {
    let byProblem = counts.get(sample.strategy);
    if (byProblem === undefined) {
      byProblem = new Map();
      counts.set(sample.strategy, byProblem);
    }
    const count = byProblem.get(sample.problemId) ?? { n: 0, c: 0 };
    count.n += 1;
    if (sample.correct) count.c += 1;
    byProblem.set(sample.problemId, count);
  }
  return new Map([...counts].map(([strategy, byProblem]) => [strategy, [...byProblem.values()]]));
}

/**
 * Coverage (pass@k) curves of every strategy that recorded samples, with the exp(a·k^b) fit of each.
 *
 * @example
 * for (const { strategy, points, fit } of strategyCoverage(run)) console.log(strategy, points.at(-1), fit?.b);
 */
export function strategyCoverage(run: RunData, ks?: readonly number[]): StrategyCoverage[] {
  const countsByStrategy = sampleCountsByStrategy(run);
  const curves: StrategyCoverage[] = [];
  for (const strategy of strategyOrder(run)) {
    const counts = countsByStrategy.get(strategy);
    if (counts === undefined || counts.length === 0) continue;
    const maxK = Math.min(...counts.map((count) => count.n));
    const mostSamples = Math.max(...counts.map((count) => count.n));
    const points = coverageCurve(
      counts,
      ks?.filter((k) => k <= maxK),
    );
    curves.push({ strategy, problems: counts.length, maxK, mostSamples, points, fit: fitCoverage(points) });
  }
  return curves;
}
