import { seededRng } from "../../runtime/index.ts";
import type { RunData } from "../run-data.ts";
import { type AccuracyEstimate, bootstrapAccuracy } from "./bootstrap-accuracy.ts";
import { strategyOrder } from "./strategy-order.ts";
import { strategySeries } from "./strategy-series.ts";
import { summarizeUsage, type UsageSummary } from "./usage-summary.ts";
import { type VerifierErrorRates, verifierFalsePositiveRate } from "./verifier-false-positive-rate.ts";

/** Accuracy and cost of one strategy over a run. */
export interface StrategySummary {
  /** Strategy spec, e.g. `sc@8`. */
  readonly strategy: string;
  /** Its series over budgets, e.g. `sc@N` for `sc@8`: one curve per series (see `strategySeries`). */
  readonly series: string;
  /** For an adaptive strategy, the fixed-budget one it stops early (`sc@16` for `asc@16`); see `strategySeries`. */
  readonly counterpart: string | undefined;
  readonly accuracy: AccuracyEstimate;
  /** Problems answered correctly. */
  readonly correct: number;
  /** Problems it gave an answer to: all but those it abstained on (`accept@N`) or found no answer for. */
  readonly answered: number;
  readonly usage: UsageSummary;
  /** For verifier-based strategies (results record `verifierAccepted`); otherwise `undefined`. */
  readonly verifier: VerifierErrorRates | undefined;
}

/** Settings of `summarizeStrategies`. */
export interface SummarizeStrategiesOptions {
  /** Seed of the bootstrap; default the run's seed. */
  readonly seed?: number | undefined;
  /** Bootstrap resamples; default 1000. */
  readonly resamples?: number | undefined;
  /** Confidence level of the intervals; default 0.95. */
  readonly confidence?: number | undefined;
}

function seriesOf(strategy: string): Pick<StrategySummary, "series" | "counterpart"> {
  const { series, counterpart } = strategySeries(strategy);
  return { series, counterpart };
}

/**
 * One summary per strategy of a run (in `strategyOrder`): accuracy with a seeded bootstrap interval
 * (Wilson's where the bootstrap is degenerate, see `bootstrapAccuracy`),
 * tokens, calls and latency, the verifier's error rates, and where it sits among the others (its series
 * and fixed-budget counterpart, `strategySeries`). Strategies with samples but no results yet are skipped. The same run and seed always give the same intervals.
 *
 * @example
 * for (const summary of summarizeStrategies(run)) {
 *   console.log(summary.strategy, summary.accuracy.accuracy, summary.usage.totalTokens?.mean);
 * }
 */
export function summarizeStrategies(
  run: RunData,
  options: SummarizeStrategiesOptions = {},
): StrategySummary[] {
  const rng = seededRng(options.seed ?? run.manifest.seed);
  const summaries: StrategySummary[] = [];
  for (const strategy of strategyOrder(run)) {
    // One fork per strategy, taken in strategy order: intervals are reproducible from the seed alone.
    const strategyRng = rng.fork();
    const results = run.results.filter((result) => result.strategy === strategy);
    if (results.length === 0) continue;
    const accuracy = bootstrapAccuracy(
      results.map((result) => result.correct),
      { rng: strategyRng, resamples: options.resamples, confidence: options.confidence },
    );
    summaries.push({
      strategy,
      ...seriesOf(strategy),
      accuracy,
      correct: results.filter((result) => result.correct).length,
      answered: results.filter((result) => result.answer !== undefined).length,
      usage: summarizeUsage(results),
      verifier: verifierFalsePositiveRate(results),
    });
  }
  return summaries;
}
