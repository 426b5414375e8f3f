import { latestScore } from "../scoring/index.ts";
import { majorityVote, scoreWeight, weightedVote } from "../selection/index.ts";
import type { Selector } from "../spec/index.ts";
import { argmaxOrMajority } from "../strategies/argmax-or-majority.ts";
import { someWeighable, withMajorityFallback } from "../strategies/run-helpers.ts";
import type { FinalSelection } from "./search-options.ts";

/**
 * How a search picks its answer among its paths: `best` by `scorer`'s latest score, `weighted-vote` by
 * votes weighted with it, else a majority vote. A limit may cut the scoring before the last paths that
 * finished were scored: a selection by score with nothing scored to go on falls back to a majority vote over
 * the paths (recording `note` in the trace), as best-of-N's does, so that paths that finished before the
 * cut still answer.
 *
 * @example
 * const vote = pathSelector("best", "lab-step-checker", "search: no finished path was scored …")(pool, context);
 */
export function pathSelector(select: FinalSelection, scorer: string, note: string): Selector {
  if (select === "best") return argmaxOrMajority({ scorer, note });
  if (select === "weighted-vote") {
    return withMajorityFallback(
      weightedVote({ weight: scoreWeight({ scorer }) }),
      someWeighable((candidate) => latestScore(candidate, scorer) !== undefined),
      note,
    );
  }
  return majorityVote();
}
