import { checkInteger, checkNumber } from "../runtime/index.ts";
import type { Score, TokenLogprob } from "../spec/index.ts";
import { tokenInstability } from "./token-instability.ts";

/** Options of `stabilityScore`. */
export interface StabilityScoreOptions {
  /** k: the top alternatives per position that make up its distribution (at least 2). */
  readonly topLogprobs: number;
  /** Weight of the entropy in the instability index; default 1 (see `tokenInstability`). */
  readonly entropyWeight?: number | undefined;
  /** The score's scorer name; default `stability`. */
  readonly scorer?: string | undefined;
}

/**
 * Scores a sampled trace by how stable its token distributions stayed: `exp(−peak)`, where `peak` is its
 * peak instability strength (`tokenInstability`: Jensen–Shannon shift between consecutive positions plus
 * entropy). A `confidence` score in (0, 1], higher when steadier, for the `scoreTokens` hook of
 * `sampleCandidates` (sample with `logprobs` and `topLogprobs` set to the same k), so that weighted votes,
 * confidence filters and rank votes can read it like DeepConf's or self-certainty's. Its `detail` gives the
 * peak, its relative position and its phase (early or late). `undefined` for a trace without alternatives.
 *
 * @throws ConfigError when `topLogprobs` is not an integer ≥ 2 or `entropyWeight` is negative.
 * @example
 * const { candidates } = await sampleCandidates({
 *   problem, n: 8, context, logprobs: true, topLogprobs: 20,
 *   scoreTokens: stabilityScore({ topLogprobs: 20 }),
 * });
 */
export function stabilityScore(
  options: StabilityScoreOptions,
): (tokens: readonly TokenLogprob[]) => Score | undefined {
  const k = checkInteger("stabilityScore", "topLogprobs", options.topLogprobs, { minimum: 2 });
  const entropyWeight =
    options.entropyWeight === undefined
      ? 1
      : checkNumber("stabilityScore", "entropyWeight", options.entropyWeight, { minimum: 0 });
  const scorer = options.scorer ?? "stability";
  return (tokens) => {
    const instability = tokenInstability(tokens, { k, entropyWeight });
    if (instability === undefined) return undefined;
    const { peak, peakPosition, phase } = instability;
    return {
      scorer,
      kind: "confidence",
      value: Math.exp(-peak),
      detail: `peak instability ${peak.toFixed(3)} at ${peakPosition.toFixed(2)} (${phase})`,
    };
  };
}
