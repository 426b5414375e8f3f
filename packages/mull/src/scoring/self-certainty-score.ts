import { checkInteger } from "../runtime/index.ts";
import type { Score, TokenLogprob } from "../spec/index.ts";
import { traceSelfCertainty } from "./self-certainty.ts";

/** Options of `selfCertaintyScore`. */
export interface SelfCertaintyScoreOptions {
  /** k: the top alternatives per position that count (at least 2; see `tokenSelfCertainty`). */
  readonly topLogprobs: number;
  /** The score's scorer name; default `self-certainty`. */
  readonly scorer?: string | undefined;
}

/**
 * Scores a sampled trace by its self-certainty (`traceSelfCertainty`), as the `scoreTokens` hook of
 * `sampleCandidates` (sample with `logprobs` and `topLogprobs` set to the same k). The score is a
 * `confidence` score, ≥ 0 and higher when surer, so a score-weighted vote
 * (`weightedVote({ weight: scoreWeight({ scorer: "self-certainty" }) })`), a confidence filter
 * (`confidenceFilteredVote`) or a rank vote (`bordaVote`) can read it. `undefined` for a trace without
 * two alternatives at any position.
 *
 * @throws ConfigError when `topLogprobs` is not an integer ≥ 2.
 * @example
 * const { candidates } = await sampleCandidates({
 *   problem, n: 8, context, logprobs: true, topLogprobs: 20,
 *   scoreTokens: selfCertaintyScore({ topLogprobs: 20 }),
 * });
 */
export function selfCertaintyScore(
  options: SelfCertaintyScoreOptions,
): (tokens: readonly TokenLogprob[]) => Score | undefined {
  const k = checkInteger("selfCertaintyScore", "topLogprobs", options.topLogprobs, { minimum: 2 });
  const scorer = options.scorer ?? "self-certainty";
  return (tokens) => {
    const value = traceSelfCertainty(tokens, { k });
    return value === undefined ? undefined : { scorer, kind: "confidence", value };
  };
}
