import { ConfigError } from "../../errors/index.ts";
import type { GradedProblem, GradedSample } from "./grade-replay.ts";
import type { RewardScale } from "./replay-dataset.ts";
import type { ReplayStrategy } from "./replay-strategy.ts";

/**
 * A sample's reward as the probability that it is right: the reward itself on the `probability` scale,
 * its logistic 1/(1 + e^−reward) on the `logit` scale (raw reward-model scores). What `wv@k` weighs a
 * sample by and `accept@k` compares with its threshold.
 *
 * @throws ConfigError when the sample has no reward, or a `probability`-scale reward is outside [0, 1].
 * @example
 * rewardProbability(problem, sample, parseReplayStrategy("wv@8"), "logit"); // 0.5 for a reward of 0
 */
export function rewardProbability(
  problem: GradedProblem,
  sample: GradedSample,
  strategy: ReplayStrategy,
  rewardScale: RewardScale,
): number {
  const reward = sample.reward;
  if (reward === undefined) {
    throw new ConfigError(
      `${strategy.name} needs a reward for every sample, but a sample of problem ${JSON.stringify(problem.id)} (${problem.location}) has none`,
      { field: "reward" },
    );
  }
  if (rewardScale === "logit") return 1 / (1 + Math.exp(-reward));
  if (reward < 0 || reward > 1) {
    throw new ConfigError(
      `${strategy.name}: reward ${reward} of a sample of problem ${JSON.stringify(problem.id)} is outside [0, 1]; pass --reward-scale logit to read raw reward-model scores through their logistic`,
      { field: "--reward-scale" },
    );
  }
  return reward;
}
