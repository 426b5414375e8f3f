import { checkNumber, checkOneOf } from "../runtime/index.ts";
import type { StopCondition } from "../spec/index.ts";
import { dirichletLeaderRisk } from "./dirichlet-leader-probability.ts";
import { leaderRisk } from "./leader-probability.ts";
import type { RunProgress } from "./run-progress.ts";

/**
 * The posterior Adaptive-Consistency stops on: `beta` weighs the leading answer against the runner-up
 * only; `dirichlet` against every answer seen, so votes split among several rivals make it wait longer.
 */
export type AdaptivePosterior = "beta" | "dirichlet";

/** Every `AdaptivePosterior`, for option checks. */
export const adaptivePosteriors: readonly AdaptivePosterior[] = ["beta", "dirichlet"];

/**
 * Adaptive-Consistency's stop rule (Aggarwal et al. 2023): stop once the posterior probability that the
 * leading answer is the most likely one reaches `threshold` (default 0.95); a threshold of 1 never stops.
 * Candidates without an answer do not vote. With `posterior` `beta` (the default) that is P(p > ½) for
 * p ~ Beta(leader + 1, runnerUp + 1) (`leaderProbability`): four votes and no rival give 0.969, so at 0.95
 * a unanimous run stops after four samples. With `dirichlet` it is the probability that the leader's share
 * is the largest under a Dirichlet posterior over every answer seen, with a uniform prior
 * (`dirichletLeaderProbability`): the same as the Beta rule while at most two answers are seen, lower once
 * rivals split the other votes.
 *
 * @throws ConfigError for a threshold outside [0, 1] or an unknown posterior.
 * @example
 * withEarlyStop(selfConsistency({ n: 64 }), { rounds: 64, stopWhen: [adaptiveConsistencyReached(0.95)] });
 * adaptiveConsistencyReached(0.95, "dirichlet"); // 7, 1, 1, 1, 1 votes: 0.933, not yet (Beta: 0.980)
 */
export function adaptiveConsistencyReached(
  threshold = 0.95,
  posterior: AdaptivePosterior = "beta",
): StopCondition<RunProgress> {
  const owner = "adaptiveConsistencyReached";
  checkNumber(owner, "threshold", threshold, { minimum: 0, maximum: 1 });
  checkOneOf(owner, "posterior", posterior, adaptivePosteriors);
  return {
    name: "adaptive-consistency",
    shouldStop: (progress) => {
      const counts = Object.values(progress.votes).sort((a, b) => b - a);
      const leader = counts[0] ?? 0;
      // Compared on the risk side. The risk is never 0, but it rounds to 0 past about a thousand votes
      // (2^-1075), so a threshold of 1 is refused here rather than left to the comparison.
      const allowed = 1 - threshold;
      if (leader === 0 || allowed <= 0) return false;
      if (leaderRisk(leader, counts[1] ?? 0) > allowed) return false;
      // The Dirichlet risk is never below the Beta one, and equals it with two answers or fewer.
      if (posterior === "beta" || counts.length <= 2) return true;
      return dirichletLeaderRisk(counts) <= allowed;
    },
  };
}
