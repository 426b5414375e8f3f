import { checkNumber } from "../runtime/index.ts";
import type { Candidate, StopCondition } from "../spec/index.ts";
import type { RunProgress } from "./run-progress.ts";

/**
 * The leading answer's share of a weighted vote over a run's candidates so far: each candidate with an
 * answer adds `weightOf(candidate)` to its answer key, and one whose weight is `undefined` does not vote;
 * `undefined` when no weight was cast (the weights sum to 0 or less).
 *
 * @example
 * weightedShare(progress, (candidate) => candidate.scores[0]?.value); // 0.8: the leader holds 80%
 */
export function weightedShare(
  progress: RunProgress,
  weightOf: (candidate: Candidate) => number | undefined,
): number | undefined {
  const totals = new Map<string, number>();
  progress.candidates.forEach((candidate, index) => {
    const key = progress.keys[index];
    if (key === undefined) return;
    const weight = weightOf(candidate);
    if (weight === undefined) return;
    totals.set(key, (totals.get(key) ?? 0) + weight);
  });
  const all = [...totals.values()].reduce((sum, value) => sum + value, 0);
  if (!(all > 0)) return undefined;
  return Math.max(...totals.values()) / all;
}

/**
 * Stops once the leading answer holds at least `fraction` of a weighted vote (see `weightedShare`): each
 * candidate with an answer votes with `weightOf(candidate)`, those it weighs `undefined` do not vote, and
 * nothing stops while no weight has been cast. The weighted counterpart of `consensusReached`, as in
 * online DeepConf, whose traces vote with their confidence.
 *
 * @throws ConfigError when `fraction` is not in (0, 1].
 * @example
 * // Stop once 95% of the confidence of the traces that were not cut agrees.
 * weightedConsensusReached(0.95, (candidate) =>
 *   candidate.finishReason === "cut" ? undefined : candidate.scores[0]?.value ?? 0,
 * );
 */
export function weightedConsensusReached(
  fraction: number,
  weightOf: (candidate: Candidate) => number | undefined,
): StopCondition<RunProgress> {
  checkNumber("weightedConsensusReached", "fraction", fraction, { exclusiveMinimum: 0, maximum: 1 });
  return {
    name: "consensus",
    shouldStop: (progress) => {
      const share = weightedShare(progress, weightOf);
      return share !== undefined && share >= fraction;
    },
  };
}
