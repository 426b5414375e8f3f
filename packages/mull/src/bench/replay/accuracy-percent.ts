import type { AccuracyEstimate } from "../metrics/index.ts";

/**
 * Accuracy as a percentage rounded to one decimal, the way papers print it.
 *
 * @example
 * percent({ accuracy: 277 / 359 }); // 77.2
 */
export function percent(estimate: Pick<AccuracyEstimate, "accuracy">): number {
  return Math.round(estimate.accuracy * 1000) / 10;
}
