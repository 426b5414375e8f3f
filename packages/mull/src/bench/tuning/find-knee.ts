import { checkNumber } from "../../runtime/index.ts";
import type { LoadLevelSummary } from "./summarize-load-level.ts";

/**
 * Whether a curve saturated within the sweep: `saturated` when a concurrency below the highest reached
 * `fraction` of the best throughput (the knee); `rising` when only the highest did, throughput still
 * climbing into it, so the knee lies beyond the levels swept; `one-level` when a single concurrency was
 * measured, which has nothing to compare with.
 */
export type TuningSaturation = "saturated" | "rising" | "one-level";

/**
 * The knee of one `n`'s throughput curve over concurrency. Its JSON form (`mull tune --json`'s `knees`)
 * has the same fields, with `null` for the knee's figures of a curve that did not saturate.
 */
export interface TuningKnee {
  /** Completions per request of the curve. */
  readonly n: number;
  /** What throughput was compared: tokens per second, or completions per second when tokens went unreported. */
  readonly measure: "tokens" | "completions";
  /** Whether throughput saturated within the sweep; only a `saturated` curve has a knee. */
  readonly saturation: TuningSaturation;
  /** The smallest concurrency whose throughput reaches `fraction` of the best; `null` unless `saturated`. */
  readonly concurrency: number | null;
  /** Throughput at the knee, in the measure's unit per second; `null` unless `saturated`. */
  readonly throughput: number | null;
  /** The best throughput of the curve, and the concurrency that reached it. */
  readonly bestThroughput: number;
  readonly bestConcurrency: number;
  /** The highest concurrency measured. */
  readonly highestConcurrency: number;
  /**
   * Throughput at the highest concurrency over that at the concurrency below it (e.g. 1.16 for a curve
   * still rising by 16% at its last step); `null` with one level, or when the level below measured none.
   */
  readonly lastStepGrowth: number | null;
  /**
   * Median latency at the highest concurrency over that at the knee: what raising concurrency beyond the
   * knee costs in latency (e.g. 3.8 for 3.8 times slower requests), for at most `1 / fraction` more
   * throughput; `null` unless `saturated`.
   */
  readonly latencyGrowth: number | null;
  /** Throughput at the highest concurrency over that at the knee; `null` unless `saturated`. */
  readonly throughputGrowth: number | null;
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

/** `numerator / denominator`, or `null` where the ratio means nothing (a zero or unmeasured denominator). */
function ratio(numerator: number, denominator: number): number | null {
  const value = numerator / denominator;
  return denominator > 0 && Number.isFinite(value) ? value : null;
}

/**
 * Finds, for each `n`, the knee of throughput against concurrency: the smallest concurrency whose
 * throughput is at least `fraction` (default 90%) of the best throughput any concurrency reached with that
 * `n`. Beyond the knee a server is saturated: throughput gains at most the remaining tenth while latency
 * keeps growing, which `latencyGrowth` reports. A curve whose knee would be its highest concurrency has not
 * saturated: throughput rose into that level by more than the remaining share (`1 / fraction`), and the
 * knee lies beyond the sweep (`saturation: "rising"`); a curve of one concurrency has none to compare
 * (`"one-level"`). Neither has a knee: its knee figures are `null`. Throughput is tokens per second when
 * every level of the curve reported tokens, completions per second otherwise. Curves are returned by
 * increasing `n`.
 *
 * @throws ConfigError when `fraction` is not in (0, 1].
 * @example
 * findKnees(levels)[0]; // { n: 1, measure: "tokens", saturation: "saturated", concurrency: 4, throughput: 410, ... }
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
    const below = curve.findLast((level) => level.concurrency < highest.concurrency);
    const saturation: TuningSaturation =
      below === undefined ? "one-level" : knee.concurrency === highest.concurrency ? "rising" : "saturated";
    const kneeThroughput = throughputOf(knee, measure);
    const saturated = saturation === "saturated";
    return {
      n,
      measure,
      saturation,
      concurrency: saturated ? knee.concurrency : null,
      throughput: saturated ? kneeThroughput : null,
      bestThroughput,
      bestConcurrency: best.concurrency,
      highestConcurrency: highest.concurrency,
      lastStepGrowth:
        below === undefined ? null : ratio(throughputOf(highest, measure), throughputOf(below, measure)),
      latencyGrowth: saturated ? ratio(highest.latency.p50, knee.latency.p50) : null,
      throughputGrowth: saturated ? ratio(throughputOf(highest, measure), kneeThroughput) : null,
    };
  });
}
