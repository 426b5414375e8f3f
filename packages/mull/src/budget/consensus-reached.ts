import { ConfigError } from "../errors/index.ts";
import type { StopCondition } from "../spec/index.ts";
import type { RunProgress } from "./run-progress.ts";

/**
 * Stops a run once at least `minimumVotes` candidates have voted and the leading answer holds at least
 * `fraction` of the votes (candidates without an answer do not vote).
 *
 * @example
 * // Stop self-consistency early when 4 of the first 5 (or more) agree.
 * selfConsistency({ n: 40, batchSize: 5, stopWhen: [consensusReached(0.8, 5)] });
 */
export function consensusReached(fraction: number, minimumVotes = 1): StopCondition<RunProgress> {
  if (!(fraction > 0 && fraction <= 1)) {
    throw new ConfigError(`consensusReached: fraction must be in (0, 1], got ${fraction}`, {
      field: "fraction",
    });
  }
  if (!Number.isInteger(minimumVotes) || minimumVotes < 1) {
    throw new ConfigError(`consensusReached: minimumVotes must be an integer ≥ 1, got ${minimumVotes}`, {
      field: "minimumVotes",
    });
  }
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
