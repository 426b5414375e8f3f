import type { TokenLogprob } from "../spec/index.ts";
import { matchAlternatives } from "./match-alternatives.ts";

/** How two backends' log-probabilities of the same tokens differ, position by position. */
export interface LogprobDivergence {
  /** Positions compared (the shorter of the two token lists, stopping where the token texts part). */
  readonly positions: number;
  /** Mean of |reference − candidate| logprob over the positions; 0 without positions. */
  readonly meanAbsolute: number;
  /** Largest |reference − candidate| logprob; 0 without positions. */
  readonly maxAbsolute: number;
  /** Positions where both reported alternatives and their most likely tokens agree. */
  readonly argmaxAgreements: number;
  /** Positions where both reported alternatives. */
  readonly argmaxPositions: number;
  /** Mean share of the reference's top-k tokens found in the candidate's top-k; `undefined` without alternatives. */
  readonly topOverlap: number | undefined;
}

/**
 * Compares two backends' per-token logprobs of one continuation (teacher forcing: the same prompt and the
 * same tokens on both). Stops at the first position whose token texts differ, since from there the two
 * lists describe different tokens. `topK` bounds the alternatives compared for the overlap. Alternatives are
 * matched as {@link matchAlternatives} does: by id where both sides give ids, else by text, and the tokens
 * whose text cannot name them across backends (end-of-sequence, byte tokens) in order of probability, so
 * `</s>` on one side is `""` on the other.
 *
 * @example
 * const divergence = logprobDivergence(referenceScore.tokens, candidateScore.tokens, 5);
 */
export function logprobDivergence(
  reference: readonly TokenLogprob[],
  candidate: readonly TokenLogprob[],
  topK: number,
): LogprobDivergence {
  let positions = 0;
  let sum = 0;
  let maxAbsolute = 0;
  let argmaxAgreements = 0;
  let argmaxPositions = 0;
  let overlapSum = 0;
  const length = Math.min(reference.length, candidate.length);
  for (let index = 0; index < length; index += 1) {
    const left = reference[index];
    const right = candidate[index];
    if (left === undefined || right === undefined || left.token !== right.token) break;
    positions += 1;
    const difference = logprobDifference(left.logprob, right.logprob);
    sum += difference;
    maxAbsolute = Math.max(maxAbsolute, difference);
    const leftTop = left.topLogprobs?.slice(0, topK) ?? [];
    const rightTop = right.topLogprobs?.slice(0, topK) ?? [];
    if (leftTop.length > 0 && rightTop.length > 0) {
      argmaxPositions += 1;
      const pairs = matchAlternatives(leftTop, rightTop);
      if (pairs.some((pair) => pair.left === 0 && pair.right === 0)) argmaxAgreements += 1;
      const shared = pairs.filter((pair) => pair.left !== undefined && pair.right !== undefined).length;
      overlapSum += shared / leftTop.length;
    }
  }
  return {
    positions,
    meanAbsolute: positions === 0 ? 0 : sum / positions,
    maxAbsolute,
    argmaxAgreements,
    argmaxPositions,
    topOverlap: argmaxPositions === 0 ? undefined : overlapSum / argmaxPositions,
  };
}

/** |a − b|, with two −∞ equal and one −∞ infinitely far. */
function logprobDifference(left: number, right: number): number {
  if (left === right) return 0;
  return Math.abs(left - right);
}
