import { latestScore } from "../scoring/index.ts";
import type { CandidateWeight } from "./candidate-weight.ts";

/**
 * Weighs each candidate by its latest score (from the named scorer, when given): weighted voting by an
 * outcome verifier. Unscored candidates do not vote. Scores should be non-negative.
 *
 * @example
 * const vote = weightedVote({ weight: scoreWeight({ scorer: "reward-model:qwen-rm" }) });
 */
export function scoreWeight(options: { readonly scorer?: string | undefined } = {}): CandidateWeight {
  return {
    name: options.scorer === undefined ? "score" : `score:${options.scorer}`,
    scale: "linear",
    of: (candidate) => latestScore(candidate, options.scorer),
  };
}
