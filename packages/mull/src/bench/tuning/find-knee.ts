import { checkNumber } from "../../runtime/index.ts";
import type { LoadLevelSummary } from "./summarize-load-level.ts";

/** The knee of one `n`'s throughput curve over concurrency. */
export interface TuningKnee {
  /** Completions per request of the curve. */
  readonly n: number;
  /** What throughput was compared: tokens per second, or completions per second when tokens went unreported. */
  readonly measure: "tokens" | "completions";
  /** The smallest concurrency whose throughput reaches `fraction` of the best. */
  readonly concurrency: number;
  /** Throughput at the knee, in the measure's unit per second. */
  readonly throughput: number;
  /** The best throughput of the curve, and the concurrency that reached it. */
  readonly bestThroughput: number;
  readonly bestConcurrency: number;
  /** The highest concurrency measured. */
  readonly highestConcurrency: number;
  /**
   * Median latency at the highest concurrency over that at the knee: what raising concurrency beyond the
   * knee costs in latency (e.g. 3.8 for 3.8 times slower requests), for at most `1 / fraction` more throughput.
   */
  readonly latencyGrowth: number;
  /** Throughput at the highest concurrency over that at the knee. */
  readonly throughputGrowth: number;
}

/** Options of `findKnees`. */
export interface FindKneeOptions {
  /** Share of the best throughput that counts as saturated, in (0, 1]; default 0.9. */
  readonly fraction?: number | undefined;
}

function throughputOf(level: LoadLevelSummary, measure: TuningKnee["measure"]): number {
  const value = measure === "tokens" ? level.tokensPerSecond : level.completionsPerSecond;
  return value === undefined || Number.isNaN(value) ? 0 : value;
}

/**
 * Finds, for each `n`, the knee of throughput against concurrency: the smallest concurrency whose
 * throughput is at least `fraction` (default 90%) of the best throughput any concurrency reached with that
 * `n`. Beyond the knee a server is saturated: throughput gains at most the remaining tenth while latency
 * keeps growing, which `latencyGrowth` reports. Throughput is tokens per second when every level of the
 * curve reported tokens, completions per second otherwise. Curves are returned by increasing `n`.
 *
 * @throws ConfigError when `fraction` is not in (0, 1].
 * @example
 * findKnees(levels)[0]; // { n: 1, measure: "tokens", concurrency: 4, throughput: 410, bestThroughput: 440, ... }
 */
export function findKnees(levels: readonly LoadLevelSummary[], options: FindKneeOptions = {}): TuningKnee[] {
  const fraction = checkNumber("findKnees", "fraction", options.fraction ?? 0.9, {
    exclusiveMinimum: 0,
    maximum: 1,
  });
  const ns = [...new Set(levels.map((level) => level.n))].sort((a, b) => a - b);
  return ns.map((n) => {
    const curve = levels.filter((level) => level.n === n).sort((a, b) => a.concurrency - b.concurrency);
    const measure = curve.every((level) => level.tokensPerSecond !== undefined) ? "tokens" : "completions";
    let best = curve[0] as LoadLevelSummary;
    for (const level of curve) if (throughputOf(level, measure) > throughputOf(best, measure)) best = level;
    const bestThroughput = throughputOf(best, measure);
    const knee = curve.find((level) => throughputOf(level, measure) >= fraction * bestThroughput) ?? best;
    const highest = curve[curve.length - 1] as LoadLevelSummary;
    const kneeThroughput = throughputOf(knee, measure);
    return {
      n,
      measure,
      concurrency: knee.concurrency,
      throughput: kneeThroughput,
      bestThroughput,
      bestConcurrency: best.concurrency,
      highestConcurrency: highest.concurrency,
      latencyGrowth: highest.latency.p50 / knee.latency.p50,
      throughputGrowth: kneeThroughput > 0 ? throughputOf(highest, measure) / kneeThroughput : Number.NaN,
    };
  });
}
