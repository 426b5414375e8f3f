import { checkNumber } from "../runtime/index.ts";
import type { StopCondition } from "../spec/index.ts";
import { leaderRisk } from "./leader-probability.ts";
import type { RunProgress } from "./run-progress.ts";

/**
 * Adaptive-Consistency's stop rule (Aggarwal et al. 2023, Beta criterion): stop once the posterior
 * probability that the leading answer beats the runner-up, P(p > ½) for p ~ Beta(leader + 1, runnerUp + 1),
 * reaches `threshold` (default 0.95); a threshold of 1 never stops. Candidates without an answer do not
 * vote. With four votes and no rival it is 0.969, so at 0.95 a unanimous run stops after four samples.
 *
 * @example
 * withEarlyStop(selfConsistency({ n: 64 }), { rounds: 64, stopWhen: [adaptiveConsistencyReached(0.95)] });
 */
export function adaptiveConsistencyReached(threshold = 0.95): StopCondition<RunProgress> {
  checkNumber("adaptiveConsistencyReached", "threshold", threshold, { minimum: 0, maximum: 1 });
  return {
    name: "adaptive-consistency",
    shouldStop: (progress) => {
      const counts = Object.values(progress.votes).sort((a, b) => b - a);
      const leader = counts[0] ?? 0;
      if (leader === 0) return false;
      // Compared on the risk side, so a threshold of 1 never stops (the risk never reaches 0).
      return leaderRisk(leader, counts[1] ?? 0) <= 1 - threshold;
    },
  };
}
