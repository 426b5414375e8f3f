import type { GradedProblem, GradedSample } from "./grade-replay.ts";
import type { RewardScale } from "./replay-dataset.ts";
import type { ReplayStrategy } from "./replay-strategy.ts";
import { rewardProbability } from "./reward-probability.ts";

/** Where resampling with a verifier stops on a problem's drawn samples, and what it answers. */
export interface AcceptedSample {
  /** Samples drawn: up to and including the accepted one, or all of them when none was accepted. */
  readonly used: number;
  /** The accepted sample's index, or `undefined` when none was: it abstains. */
  readonly accepted: number | undefined;
}

/**
 * Resampling with an imperfect verifier (`accept@k`; Stroebl et al. 2024, "Inference Scaling fLaws"): the
 * samples are read in order and the first whose reward, as a probability (`logit` rewards through the
 * logistic), is at least the strategy's threshold is accepted and answered; when none of them is, the
 * strategy abstains. A verifier's false positives (wrong samples it accepts) are answered like true ones,
 * which is what bounds this method's accuracy however many samples it may draw.
 *
 * @throws ConfigError when a sample it reads has no reward, or a `probability`-scale reward is outside [0, 1].
 * @example
 * acceptedSample(problem, drawn, parseReplayStrategy("accept@8t0.6"), "probability"); // { used: 3, accepted: 2 }
 */
export function acceptedSample(
  problem: GradedProblem,
  drawn: readonly GradedSample[],
  strategy: ReplayStrategy,
  rewardScale: RewardScale,
): AcceptedSample {
  const threshold = strategy.threshold ?? 0.5;
  for (const [index, sample] of drawn.entries()) {
    // Read one by one: a sample after the accepted one needs no reward.
    if (rewardProbability(problem, sample, strategy, rewardScale) >= threshold) {
      return { used: index + 1, accepted: index };
    }
  }
  return { used: drawn.length, accepted: undefined };
}
