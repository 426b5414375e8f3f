import { argmax } from "./argmax.ts";
import type { BanditArmState, BanditPolicy } from "./bandit-policy.ts";

/**
 * UCB1 (Auer et al. 2002) on reward − λ·cost: every arm is pulled once, then the arm with the highest
 * `mean reward − λ·mean cost + sqrt(2 ln N / pulls)` (N: pulls of all arms), the lowest index on a tie.
 * Pulls still waiting for their outcome count in the bonus, so concurrent requests spread over the arms;
 * an arm pulled but not yet observed is taken as optimistically as it can be (reward 1, cost 0).
 * Deterministic: it never reads the rng. The bonus is scaled for rewards from 0 to 1.
 *
 * @example
 * const index = ucbPolicy().choose(router.arms(), 0.001, rng);
 */
export function ucbPolicy(): BanditPolicy {
  return {
    name: "ucb",
    choose(arms, lambda) {
      const unpulled = arms.findIndex((arm) => arm.pulls === 0);
      if (unpulled >= 0) return unpulled;
      const total = arms.reduce((sum, arm) => sum + arm.pulls, 0);
      return argmax(arms, (arm) => utility(arm, lambda) + Math.sqrt((2 * Math.log(total)) / arm.pulls));
    },
  };
}

/** Mean reward − λ·mean cost, optimistic (1) for an arm with no outcome yet. */
function utility(arm: BanditArmState, lambda: number): number {
  return arm.observations === 0 ? 1 : arm.meanReward - lambda * arm.meanCost;
}
