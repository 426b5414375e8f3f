import { z } from "zod";
import { ConfigError } from "../../errors/index.ts";
import { integerSchema, numberSchema, parseOptions } from "../../runtime/index.ts";
import type { Rng } from "../../spec/index.ts";
import { quantileOfSorted } from "./quantile-of-sorted.ts";
import { wilsonInterval } from "./wilson-interval.ts";

/**
 * How an accuracy interval was computed: `bootstrap`, the percentile bootstrap over problems; `wilson`,
 * the Wilson score interval, used where the bootstrap collapsed to a point or left out the estimate.
 */
export type AccuracyIntervalMethod = "bootstrap" | "wilson";

/** Accuracy with a confidence interval: a percentile bootstrap, or Wilson's where that is degenerate. */
export interface AccuracyEstimate {
  /** Mean outcome, in [0, 1]. */
  readonly accuracy: number;
  /** Lower end of the interval, in [0, 1]. */
  readonly lower: number;
  /** Upper end of the interval, in [0, 1]. */
  readonly upper: number;
  /** Confidence level of the interval, e.g. 0.95. */
  readonly confidence: number;
  /** Bootstrap resamples drawn. */
  readonly resamples: number;
  /** Which interval `lower` and `upper` are (see `AccuracyIntervalMethod`). */
  readonly method: AccuracyIntervalMethod;
  /** Outcomes (problems) the accuracy is over. */
  readonly count: number;
}

const bootstrapOptions = z.object({
  /** Source of the resampling; the same seed gives the same interval. */
  rng: z.custom<Rng>((value) => typeof (value as Partial<Rng> | undefined)?.next === "function", {
    error: "expected an rng with next()",
  }),
  /** Resamples B; default 1000. */
  resamples: integerSchema({ minimum: 1 }).default(1000),
  /** Confidence level in (0, 1); default 0.95. */
  confidence: numberSchema({ exclusiveMinimum: 0, exclusiveMaximum: 1 }).default(0.95),
});

/** Settings of `bootstrapAccuracy`. */
export type BootstrapOptions = z.input<typeof bootstrapOptions>;

/**
 * Accuracy over per-problem outcomes with a seeded percentile bootstrap interval: B resamples of the
 * problems with replacement, the interval is the (1 − confidence)/2 and (1 + confidence)/2 quantiles of
 * the resampled means. Outcomes are booleans (correct or not) or fractions in [0, 1] (a problem's accuracy
 * averaged over shuffles).
 *
 * Where that interval is a single point or leaves out the accuracy itself (every outcome the same, as
 * when a strategy solved all problems, or too few resamples), it is replaced by the Wilson score interval
 * of the accuracy over the outcomes' count (`method: "wilson"`): 12 of 12 correct gives about 75.8%–100%,
 * not 100%–100%.
 *
 * @throws ConfigError when there are no outcomes, an outcome is outside [0, 1], or a setting is out of range.
 * @example
 * const estimate = bootstrapAccuracy([true, false, true, true], { rng: seededRng(1), resamples: 2000 });
 * // estimate.accuracy === 0.75; estimate.lower <= 0.75 <= estimate.upper
 */
export function bootstrapAccuracy(
  outcomes: readonly (boolean | number)[],
  options: BootstrapOptions,
): AccuracyEstimate {
  const { rng, resamples, confidence } = parseOptions(bootstrapOptions, options, "bootstrapAccuracy");
  if (outcomes.length === 0) {
    throw new ConfigError("bootstrapAccuracy: no outcomes to average", { field: "outcomes" });
  }
  const values = outcomes.map((outcome, index) => {
    const value = typeof outcome === "boolean" ? (outcome ? 1 : 0) : outcome;
    if (!(value >= 0 && value <= 1)) {
      throw new ConfigError(
        `bootstrapAccuracy: outcome ${index} is ${outcome}, expected a boolean or a number in [0, 1]`,
        { field: `outcomes[${index}]` },
      );
    }
    return value;
  });
  const count = values.length;
  const total = values.reduce((sum, value) => sum + value, 0);
  const accuracy = total / count;
  const means = new Array<number>(resamples);
  for (let resample = 0; resample < resamples; resample += 1) {
    let sum = 0;
    for (let draw = 0; draw < count; draw += 1) sum += values[Math.floor(rng.next() * count)]!;
    means[resample] = sum / count;
  }
  means.sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  const lower = quantileOfSorted(means, tail);
  const upper = quantileOfSorted(means, 1 - tail);
  if (lower < upper && lower <= accuracy && accuracy <= upper) {
    return { accuracy, lower, upper, confidence, resamples, method: "bootstrap", count };
  }
  const wilson = wilsonInterval(total, count, confidence);
  return { accuracy, ...wilson, confidence, resamples, method: "wilson", count };
}
