import { CapabilityError } from "../errors/index.ts";
import type { Candidate, Score } from "../spec/index.ts";

/** Options of `sequenceProbabilityScore`. */
export interface SequenceProbabilityOptions {
  /**
   * `sum`: the probability of the whole sequence, exp(Σ log p) (default);
   * `mean`: the geometric-mean token probability, exp(mean log p), which does not penalise length.
   */
  readonly normalize?: "sum" | "mean" | undefined;
}

/**
 * The model's own probability of a candidate, from the log-probabilities of its tokens. Needs a backend
 * with `capabilities.logprobs` and candidates sampled with `logprobs: true`.
 *
 * @throws CapabilityError (capability `logprobs`) when the candidate carries no log-probabilities.
 * @example
 * const score = sequenceProbabilityScore(candidate, { normalize: "mean" });
 */
export function sequenceProbabilityScore(
  candidate: Candidate,
  options: SequenceProbabilityOptions = {},
): Score {
  const normalize = options.normalize ?? "sum";
  const logprob = normalize === "sum" ? candidate.logprob : candidate.meanLogprob;
  const scorer = normalize === "sum" ? "sequence-probability" : "mean-token-probability";
  if (logprob === undefined) {
    throw new CapabilityError(
      "logprobs",
      scorer,
      `the backend that wrote candidate ${candidate.id}${candidate.model === undefined ? "" : ` (${candidate.model})`}`,
    );
  }
  return { scorer, kind: "probability", value: Math.exp(logprob) };
}
