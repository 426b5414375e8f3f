import { checkInteger, checkNumber } from "../runtime/index.ts";
import type { StopCondition } from "../spec/index.ts";
import type { RunProgress } from "./run-progress.ts";

/**
 * Stops a run once at least `minimumVotes` candidates have voted and the leading answer holds at least
 * `fraction` of the votes (candidates without an answer do not vote).
 *
 * @example
 * // Stop self-consistency early when 4 of the first 5 (or more) agree.
 * withEarlyStop(selfConsistency({ n: 40 }), { rounds: 8, stopWhen: [consensusReached(0.8, 5)] });
 */
export function consensusReached(fraction: number, minimumVotes = 1): StopCondition<RunProgress> {
  checkNumber("consensusReached", "fraction", fraction, { exclusiveMinimum: 0, maximum: 1 });
  checkInteger("consensusReached", "minimumVotes", minimumVotes, { minimum: 1 });
  return {
    name: "consensus",
    shouldStop: (progress) => {
      const counts = Object.values(progress.votes);
      const total = counts.reduce((sum, count) => sum + count, 0);
      if (total < minimumVotes) return false;
      return Math.max(...counts) >= fraction * total;
    },
  };
}
