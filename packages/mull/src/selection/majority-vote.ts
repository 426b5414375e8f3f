import { answerGroups, pickWinner, recordVote, type TieBreak } from "./answer-groups.ts";
import type { Selector } from "./selector.ts";

/** Options of `majorityVote`. */
export interface MajorityVoteOptions {
  /**
   * How a tie between answers with equal votes is broken:
   * - `first` (default): the tied answer that appeared first among the candidates wins — deterministic,
   *   and for i.i.d. samples the same as a uniform draw among the tied answers;
   * - `random`: a uniform draw among the tied answers, from the run's rng.
   */
  readonly tieBreak?: TieBreak | undefined;
}

/**
 * Self-consistency's vote: each candidate with an answer votes for its answer key
 * (`answerFormat.key`); the answer with the most votes wins (ties: see `tieBreak`). Candidates without
 * an answer do not vote. Records a `vote` event with the tally.
 *
 * @example
 * const vote = majorityVote();
 * const { answer, tally } = vote(candidates, context);
 */
export function majorityVote(options: MajorityVoteOptions = {}): Selector {
  const tieBreak = options.tieBreak ?? "first";
  const method = tieBreak === "first" ? "majority" : "majority:random-tie";
  return (candidates, context) => {
    const groups = answerGroups(candidates, context.answerFormat);
    const winner = pickWinner(
      groups.map((group) => group.members.length),
      tieBreak,
      context.rng,
    );
    return recordVote(groups, winner, method, context, (group) => group.members.length);
  };
}
