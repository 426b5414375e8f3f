import { ConfigError } from "../errors/index.ts";

/**
 * How per-step rewards become one value for a (partial) solution:
 * - `last`: the latest step's reward (a PRM trained on prefixes judges the whole prefix there);
 * - `min`: the weakest step (one bad step spoils the solution);
 * - `product`: the probability that every step is right, if the rewards are calibrated and independent;
 * - `mean`: the share of good steps (robust to an isolated false negative).
 */
export type StepAggregation = "last" | "min" | "product" | "mean";

/** The aggregations, in the order shown in help texts. */
export const stepAggregations: readonly StepAggregation[] = ["last", "min", "product", "mean"];

/**
 * One value in [0, 1] from per-step rewards. An empty list (nothing written yet) is worth 1: nothing
 * counts against it.
 *
 * @throws ConfigError for an unknown aggregation.
 * @example
 * aggregateStepRewards([1, 0.5, 0.8], "min"); // 0.5
 * aggregateStepRewards([1, 0.5, 0.8], "product"); // 0.4
 */
export function aggregateStepRewards(rewards: readonly number[], aggregation: StepAggregation): number {
  if (rewards.length === 0) return 1;
  switch (aggregation) {
    case "last":
      return rewards[rewards.length - 1]!;
    case "min":
      return Math.min(...rewards);
    case "product":
      return rewards.reduce((product, reward) => product * reward, 1);
    case "mean":
      return rewards.reduce((sum, reward) => sum + reward, 0) / rewards.length;
    default:
      throw new ConfigError(
        `unknown step aggregation ${JSON.stringify(aggregation)}; expected one of ${stepAggregations.join(", ")}`,
        { field: "aggregation" },
      );
  }
}
