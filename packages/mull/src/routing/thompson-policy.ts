import { argmax } from "./argmax.ts";
import type { BanditPolicy } from "./bandit-policy.ts";
import { sampleBeta } from "./sample-beta.ts";

/**
 * Thompson sampling with Beta posteriors on reward − λ·cost: each arm's chance of success has a Beta(1, 1)
 * prior updated by its rewards (α = 1 + Σ reward, β = 1 + Σ (1 − reward), exact for rewards of 0 or 1,
 * the usual fractional update otherwise); each choice draws θ from every posterior and pulls the arm with
 * the highest `θ − λ·mean cost` (cost 0 for an arm with no outcome yet, so each arm is tried early). Its
 * randomness comes only from the rng.
 *
 * @example
 * const index = thompsonPolicy().choose(router.arms(), 0.001, seededRng(7));
 */
export function thompsonPolicy(): BanditPolicy {
  return {
    name: "thompson",
    choose(arms, lambda, rng) {
      const draws = arms.map((arm) => {
        const successes = arm.meanReward * arm.observations;
        const theta = sampleBeta(1 + successes, 1 + arm.observations - successes, rng);
        return theta - lambda * arm.meanCost;
      });
      return argmax(draws, (draw) => draw);
    },
  };
}
