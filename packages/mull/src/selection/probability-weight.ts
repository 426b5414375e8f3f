import type { CandidateWeight } from "./candidate-weight.ts";

/**
 * Weighs each candidate by the model's probability of it: `sum` uses the sequence probability
 * exp(Σ log p) (each answer's weight is the probability mass of its paths, as in perplexity
 * consistency); `mean` uses exp(mean log p), which does not favour short solutions. Candidates without
 * log-probabilities do not vote.
 *
 * @example
 * const vote = weightedVote({ weight: probabilityWeight({ normalize: "mean" }) });
 */
export function probabilityWeight(
  options: { readonly normalize?: "sum" | "mean" | undefined } = {},
): CandidateWeight {
  const normalize = options.normalize ?? "sum";
  return {
    name: normalize === "sum" ? "probability" : "mean-probability",
    scale: "log",
    of: (candidate) => (normalize === "sum" ? candidate.logprob : candidate.meanLogprob),
  };
}
