import type { ProblemResult } from "../run-data.ts";
import { type DistributionSummary, summarizeDistribution } from "./distribution-summary.ts";

/** What a strategy spent over a run, per problem and in total. */
export interface UsageSummary {
  readonly problems: number;
  /** `undefined` when any result's prompt tokens are unknown: a sum with an unknown part is unknown. */
  readonly promptTokens: DistributionSummary | undefined;
  /** `undefined` when any result's completion tokens are unknown. */
  readonly completionTokens: DistributionSummary | undefined;
  /** Prompt plus completion tokens; `undefined` when either is unknown anywhere. */
  readonly totalTokens: DistributionSummary | undefined;
  readonly calls: DistributionSummary;
  readonly scoreCalls: DistributionSummary;
  readonly samples: DistributionSummary;
  readonly latencyMilliseconds: DistributionSummary;
}

function known(values: readonly (number | undefined)[]): readonly number[] | undefined {
  return values.every((value): value is number => value !== undefined) ? values : undefined;
}

/**
 * Token, call, sample and latency summaries (total, mean, median, p90, ...) over problem results,
 * usually those of one strategy.
 *
 * @example
 * const usage = summarizeUsage(results.filter((result) => result.strategy === "sc@8"));
 * usage.completionTokens?.mean; // mean completion tokens per problem
 */
export function summarizeUsage(results: readonly ProblemResult[]): UsageSummary {
  const prompt = known(results.map((result) => result.promptTokens));
  const completion = known(results.map((result) => result.completionTokens));
  const total =
    prompt === undefined || completion === undefined
      ? undefined
      : prompt.map((value, index) => value + completion[index]!);
  return {
    problems: results.length,
    promptTokens: prompt === undefined ? undefined : summarizeDistribution(prompt),
    completionTokens: completion === undefined ? undefined : summarizeDistribution(completion),
    totalTokens: total === undefined ? undefined : summarizeDistribution(total),
    calls: summarizeDistribution(results.map((result) => result.calls)),
    scoreCalls: summarizeDistribution(results.map((result) => result.scoreCalls)),
    samples: summarizeDistribution(results.map((result) => result.samples)),
    latencyMilliseconds: summarizeDistribution(results.map((result) => result.latencyMilliseconds)),
  };
}
