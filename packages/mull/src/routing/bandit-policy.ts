import type { Rng } from "../spec/index.ts";

/** What a bandit knows about one arm (one model of a pool). */
export interface BanditArmState {
  /** The arm's name: a served model's name. */
  readonly name: string;
  /** Times the arm was chosen, outcomes pending included (a choice released without an outcome is not counted). */
  readonly pulls: number;
  /** Outcomes recorded. */
  readonly observations: number;
  /** Mean reward (from 0 to 1) over the recorded outcomes; 0 before the first. */
  readonly meanReward: number;
  /** Mean cost (tokens × the model's price per token) over the recorded outcomes; 0 before the first. */
  readonly meanCost: number;
}

/** The bandit policies by name: UCB1 and Thompson sampling. */
export type BanditPolicyName = "ucb" | "thompson";

/** The bandit policies a router accepts, for config checks and help. */
export const banditPolicyNames: readonly BanditPolicyName[] = ["ucb", "thompson"];

/**
 * Chooses which arm to pull next from what is known of each, maximising reward − λ·cost. Pure: its only
 * randomness is the `rng` it is given.
 */
export interface BanditPolicy {
  /** The policy's name: `ucb` or `thompson`. */
  readonly name: BanditPolicyName;
  /**
   * The index in `arms` of the arm to pull next.
   *
   * @param arms Two or more arms.
   * @param lambda The price of one unit of cost in reward (≥ 0).
   * @param rng The seeded randomness (unused by deterministic policies).
   */
  choose(arms: readonly BanditArmState[], lambda: number, rng: Rng): number;
}
