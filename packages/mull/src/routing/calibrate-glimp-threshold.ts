import { checkNumber } from "../runtime/index.ts";

/**
 * τ of `glimp@τ` for a target share of steps written by the large model: the (1 − share) quantile of the
 * small model's step entropies on a dev set (each step's entropy as the router reads it, the largest over
 * its first K tokens; all dev solutions together), so that the steps at or above τ, those handed over, are
 * about `share` of them. Routing changes the later steps, so the share measured on new problems only
 * approximates it. 0 without entropies.
 *
 * @throws ConfigError for a share outside 0 to 1.
 * @example
 * const tau = calibrateGlimpThreshold([0.01, 0.02, 0.9, 1.4], 0.5); // 0.9: two of the four steps go to the large model
 */
export function calibrateGlimpThreshold(entropies: readonly number[], share: number): number {
  checkNumber("calibrateGlimpThreshold", "share", share, { minimum: 0, maximum: 1 });
  const sorted = [...entropies].sort((left, right) => left - right);
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.floor((1 - share) * sorted.length)));
  return sorted[index]!;
}

/**
 * τ of the handoff variant `glimp@τkKh` (the large model keeps every step after the first it is handed) for
 * a target share of steps written by the large model: the lowest dev step entropy at which the steps from
 * each dev solution's first one at or above τ to its end are at most `share` of all steps. `solutions` holds
 * one list per dev solution of the small model, one entropy per step. Without such an entropy (a share
 * below what the highest one hands over), the highest; 0 without entropies.
 *
 * @throws ConfigError for a share outside 0 to 1.
 * @example
 * calibrateGlimpHandoff([[0.1, 0.8, 0.2], [0.1, 0.1, 0.1, 0.5]], 0.3); // 0.8: 2 of 7 steps handed over
 */
export function calibrateGlimpHandoff(solutions: readonly (readonly number[])[], share: number): number {
  checkNumber("calibrateGlimpHandoff", "share", share, { minimum: 0, maximum: 1 });
  const total = solutions.reduce((sum, entropies) => sum + entropies.length, 0);
  const handedOver = (threshold: number) =>
    solutions.reduce((sum, entropies) => {
      const first = entropies.findIndex((entropy) => entropy >= threshold);
      return first < 0 ? sum : sum + entropies.length - first;
    }, 0);
  const candidates = [...new Set(solutions.flat())].sort((left, right) => left - right);
  for (const threshold of candidates) if (handedOver(threshold) <= share * total) return threshold;
  return candidates.at(-1) ?? 0;
}
