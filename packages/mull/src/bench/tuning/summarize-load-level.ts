import { quantileOfSorted } from "../metrics/quantile-of-sorted.ts";
import type { RequestMeasurement } from "./run-load-level.ts";

/** Latency percentiles in milliseconds (linear interpolation between order statistics); `NaN` without values. */
export interface LatencyPercentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

/** The figures of one load level: a concurrency and an `n`, measured over its requests. */
export interface LoadLevelSummary {
  /** Requests in flight at once. */
  readonly concurrency: number;
  /** Completions per request. */
  readonly n: number;
  /** Requests sent. */
  readonly requests: number;
  /** Requests that failed. */
  readonly errors: number;
  /** Milliseconds the level took, first request sent to last ended. */
  readonly wallMilliseconds: number;
  /** Completion tokens of the successful requests; `undefined` when any of them went unreported. */
  readonly completionTokens: number | undefined;
  /** Completion tokens per second of wall time; `undefined` with the tokens. */
  readonly tokensPerSecond: number | undefined;
  /** Successful requests per second of wall time. */
  readonly requestsPerSecond: number;
  /** Completions returned per second of wall time (requests × `n` when all succeed). */
  readonly completionsPerSecond: number;
  /** Latency of the successful requests. */
  readonly latency: LatencyPercentiles;
  /** Time to first text of the successful requests that streamed it; `undefined` when none did. */
  readonly firstToken: LatencyPercentiles | undefined;
  /** The first failure's message, to say what went wrong. */
  readonly firstError: string | undefined;
}

function percentiles(values: readonly number[]): LatencyPercentiles {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: quantileOfSorted(sorted, 0.5),
    p90: quantileOfSorted(sorted, 0.9),
    p99: quantileOfSorted(sorted, 0.99),
  };
}

/**
 * Summarises one load level: throughput over the level's wall time (tokens, requests and completions per
 * second, counting successful requests only) and latency percentiles of the successful requests. Failed
 * requests count in `errors` and in no other figure.
 *
 * @example
 * const summary = summarizeLoadLevel(run.measurements, run.wallMilliseconds, { concurrency: 8, n: 1 });
 * summary.tokensPerSecond; summary.latency.p90;
 */
export function summarizeLoadLevel(
  measurements: readonly RequestMeasurement[],
  wallMilliseconds: number,
  level: { readonly concurrency: number; readonly n: number },
): LoadLevelSummary {
  const succeeded = measurements.filter((measurement) => measurement.error === undefined);
  const seconds = wallMilliseconds / 1000;
  const perSecond = (count: number) => (seconds > 0 ? count / seconds : Number.NaN);
  const tokens = succeeded.every((measurement) => measurement.completionTokens !== undefined)
    ? succeeded.reduce((sum, measurement) => sum + (measurement.completionTokens ?? 0), 0)
    : undefined;
  const firstTokens = succeeded
    .map((measurement) => measurement.firstTokenMilliseconds)
    .filter((value): value is number => value !== undefined);
  return {
    concurrency: level.concurrency,
    n: level.n,
    requests: measurements.length,
    errors: measurements.length - succeeded.length,
    wallMilliseconds,
    completionTokens: tokens,
    tokensPerSecond: tokens === undefined ? undefined : perSecond(tokens),
    requestsPerSecond: perSecond(succeeded.length),
    completionsPerSecond: perSecond(succeeded.reduce((sum, measurement) => sum + measurement.completions, 0)),
    latency: percentiles(succeeded.map((measurement) => measurement.latencyMilliseconds)),
    firstToken: firstTokens.length === 0 ? undefined : percentiles(firstTokens),
    firstError: measurements.find((measurement) => measurement.error !== undefined)?.error,
  };
}
