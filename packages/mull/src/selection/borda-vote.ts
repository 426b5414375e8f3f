import { z } from "zod";
import { expecting, numberSchema, parseOptions } from "../runtime/index.ts";
import { latestScore } from "../scoring/index.ts";
import type { Candidate } from "../spec/index.ts";
import type { TieBreak } from "./answer-groups.ts";
import type { CandidateWeight } from "./candidate-weight.ts";
import type { Selector } from "./selector.ts";
import { weightedVote } from "./weighted-vote.ts";

/** Options of `bordaVote`. */
export interface BordaVoteOptions {
  /** The scorer whose latest score ranks the candidates (higher ranks first), e.g. `self-certainty`. */
  readonly scorer: string;
  /** p: rank r of N weighs (N − r + 1)^p; 0 makes every vote weigh 1 (a majority vote). */
  readonly power: number;
  /** Ties between equal totals: the answer that appeared first (default) or a uniform draw. */
  readonly tieBreak?: TieBreak | undefined;
}

/**
 * The rank weight of each ranked candidate: (N − r + 1)^p for rank r of N (1 = highest score), where
 * candidates of equal score share their ranks' weights equally, so the vote does not depend on the
 * order they were sampled in.
 */
function rankWeights(
  ranked: readonly { readonly candidate: Candidate; readonly value: number }[],
  power: number,
): Map<Candidate, number> {
  const count = ranked.length;
  const weights = new Map<Candidate, number>();
  let start = 0;
  while (start < count) {
    let end = start + 1;
    while (end < count && ranked[end]!.value === ranked[start]!.value) end += 1;
    // Ranks start + 1 … end, weighing (N − r + 1)^p each.
    let total = 0;
    for (let rank = start + 1; rank <= end; rank += 1) total += (count - rank + 1) ** power;
    for (let index = start; index < end; index += 1)
      weights.set(ranked[index]!.candidate, total / (end - start));
    start = end;
  }
  return weights;
}

/** The scorer that ranks and the power of the ranks; the tie break is checked where it is read. */
const bordaVoteOptions = z.object({
  scorer: z.string({ error: expecting("a scorer name (a string)") }),
  power: numberSchema(),
});

/**
 * Self-certainty's Borda vote (Kang et al., "Scalable Best-of-N Selection for LLMs via Self-Certainty"):
 * the candidates with a score from `scorer` are ranked by it, highest first, and the one at rank r of N
 * votes for its answer with weight (N − r + 1)^p; the answer with the largest total wins (`weightedVote`).
 * As in the paper, a candidate without an answer still takes its rank but casts no vote; a candidate
 * without a score is not ranked and does not vote. At p = 0 every vote weighs 1 and this is a majority
 * vote over the scored candidates; as p grows the most certain traces decide. Candidates of equal score
 * share their ranks' weights.
 *
 * @example
 * const vote = bordaVote({ scorer: "self-certainty", power: 0.5 });
 * const { answer, tally } = vote(candidates, context);
 */
export function bordaVote(options: BordaVoteOptions): Selector {
  parseOptions(bordaVoteOptions, options, "bordaVote");
  const { scorer, power } = options;
  return (candidates, context) => {
    const ranked = candidates
      .flatMap((candidate) => {
        const value = latestScore(candidate, scorer);
        return value === undefined || Number.isNaN(value) ? [] : [{ candidate, value }];
      })
      // Compared, not subtracted: two infinite scores would subtract to NaN.
      .sort((left, right) => (left.value === right.value ? 0 : left.value > right.value ? -1 : 1));
    const weights = rankWeights(ranked, power);
    const weight: CandidateWeight = {
      name: `borda:${scorer}^${power}`,
      scale: "linear",
      of: (candidate) => weights.get(candidate),
    };
    return weightedVote({ weight, tieBreak: options.tieBreak })(candidates, context);
  };
}
