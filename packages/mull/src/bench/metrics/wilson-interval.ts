import { checkInteger, checkNumber } from "../../runtime/index.ts";
import { normalQuantile } from "./normal-quantile.ts";

/** The two ends of a confidence interval of a proportion, in [0, 1]. */
export interface ProportionInterval {
  readonly lower: number;
  readonly upper: number;
}

/**
 * The Wilson score interval of a proportion: the proportions p whose normal test against the observed
 * share `successes / count` does not reject at the given confidence. Unlike a bootstrap or the normal
 * approximation, it never collapses to a point and always contains the observed share, also at 0 and 1
 * (12 of 12 correct gives about 75.8%–100% at 95%). `successes` may be fractional (a mean of outcomes in
 * [0, 1] times their count).
 *
 * @throws ConfigError when `count` is not a positive integer, `successes` is outside [0, count], or
 *   `confidence` is outside (0, 1).
 * @example
 * wilsonInterval(12, 12, 0.95); // { lower: 0.7575…, upper: 1 }
 */
export function wilsonInterval(successes: number, count: number, confidence: number): ProportionInterval {
  checkInteger("wilsonInterval", "count", count, { minimum: 1 });
  checkNumber("wilsonInterval", "successes", successes, { minimum: 0, maximum: count });
  checkNumber("wilsonInterval", "confidence", confidence, { exclusiveMinimum: 0, exclusiveMaximum: 1 });
  const share = successes / count;
  const z = normalQuantile((1 + confidence) / 2);
  const spread = (z * z) / count;
  const center = (share + spread / 2) / (1 + spread);
  const halfWidth = (z / (1 + spread)) * Math.sqrt((share * (1 - share)) / count + spread / (4 * count));
  // Rounding must not move an end past the observed share (at 0 or 1 the end is the share itself).
  return {
    lower: Math.min(share, Math.max(0, center - halfWidth)),
    upper: Math.max(share, Math.min(1, center + halfWidth)),
  };
}
