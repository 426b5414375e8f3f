import type { Rng, TokenLogprob, TopLogprob } from "../spec/index.ts";
import { type AlternativePair, matchAlternatives } from "./match-alternatives.ts";

/** How often two backends' distributions would sample different tokens under the same noise. */
export interface CoupledSamplingDivergence {
  /** Teacher-forced positions compared (both reported alternatives and the token texts agree). */
  readonly positions: number;
  /** Noise draws per position. */
  readonly draws: number;
  /** Draws whose sampled tokens differ, over all positions. */
  readonly mismatches: number;
  /** `mismatches / (positions × draws)`; 0 without positions. */
  readonly mismatchRate: number;
  /**
   * Mean total-variation distance between the two tempered distributions per position: the smallest
   * mismatch rate any shared noise could reach, and the expectation the Gumbel coupling estimates from above.
   */
  readonly meanTotalVariation: number;
  /** The largest total-variation distance at any one position, from 0 to 1; 0 without positions. */
  readonly maxTotalVariation: number;
}

/** Options of {@link coupledSamplingDivergence}. */
export interface CoupledSamplingOptions {
  /** Sampling temperature applied to both distributions. */
  readonly temperature: number;
  /** Gumbel noise draws per position. */
  readonly draws: number;
  /** Alternatives read per position (each side's top-k, renormalised). */
  readonly topK: number;
  /** The source of the shared noise. */
  readonly rng: Rng;
}

/**
 * A Token-DiFR-style divergence: at each position of one teacher-forced continuation, both backends'
 * next-token distributions are sampled with the same Gumbel noise (Gumbel-max: the token maximising
 * `logprob / temperature + g`, one `g` per token, shared by both sides), and the draws whose tokens differ
 * are counted. Tokens are matched by id where both sides give ids, else by text, except those whose text
 * cannot name them across backends (end-of-sequence as `</s>` on one and `""` on the other, byte tokens
 * as `"\uFFFD"` or `""`): those are
 * paired most likely first ({@link matchAlternatives}), so a backend that only spells them otherwise reads
 * as the same. Identical distributions never differ; float noise of another build almost never does;
 * a perturbed model does at a rate that grows with the perturbation. Unlike a raw |Δlogprob|, the rate reads
 * directly as "the share of sampled tokens that would change". Each side's distribution is its reported
 * top-k, renormalised; a token missing from one side's list has probability 0 there. Stops at the first
 * position whose token texts part, as {@link logprobDivergence} does.
 *
 * @example
 * const divergence = coupledSamplingDivergence(referenceScore.tokens, candidateScore.tokens, {
 *   temperature: 1, draws: 16, topK: 5, rng: seededRng(0),
 * });
 * divergence.mismatchRate; // 0 for identical backends
 */
export function coupledSamplingDivergence(
  reference: readonly TokenLogprob[],
  candidate: readonly TokenLogprob[],
  options: CoupledSamplingOptions,
): CoupledSamplingDivergence {
  let positions = 0;
  let mismatches = 0;
  let totalVariationSum = 0;
  let maxTotalVariation = 0;
  const length = Math.min(reference.length, candidate.length);
  for (let index = 0; index < length; index += 1) {
    const left = reference[index];
    const right = candidate[index];
    if (left === undefined || right === undefined || left.token !== right.token) break;
    const leftTop = left.topLogprobs?.slice(0, options.topK) ?? [];
    const rightTop = right.topLogprobs?.slice(0, options.topK) ?? [];
    if (leftTop.length === 0 || rightTop.length === 0) continue;
    positions += 1;
    const pairs = matchAlternatives(leftTop, rightTop);
    const leftProbabilities = tempered(leftTop, pairs, "left", options.temperature);
    const rightProbabilities = tempered(rightTop, pairs, "right", options.temperature);
    let totalVariation = 0;
    for (let pair = 0; pair < pairs.length; pair += 1) {
      totalVariation += Math.abs((leftProbabilities[pair] ?? 0) - (rightProbabilities[pair] ?? 0));
    }
    totalVariation /= 2;
    totalVariationSum += totalVariation;
    maxTotalVariation = Math.max(maxTotalVariation, totalVariation);
    for (let draw = 0; draw < options.draws; draw += 1) {
      const noise = pairs.map(() => gumbel(options.rng));
      if (gumbelMax(leftProbabilities, noise) !== gumbelMax(rightProbabilities, noise)) mismatches += 1;
    }
  }
  const samples = positions * options.draws;
  return {
    positions,
    draws: options.draws,
    mismatches,
    mismatchRate: samples === 0 ? 0 : mismatches / samples,
    meanTotalVariation: positions === 0 ? 0 : totalVariationSum / positions,
    maxTotalVariation,
  };
}

/** One side of the matched pairs as probabilities at `temperature`, renormalised; a pair it lacks gets 0. */
function tempered(
  top: readonly TopLogprob[],
  pairs: readonly AlternativePair[],
  side: "left" | "right",
  temperature: number,
): number[] {
  const logits = pairs.map((pair) => {
    const index = pair[side];
    const logprob = index === undefined ? undefined : top[index]?.logprob;
    return logprob === undefined || !Number.isFinite(logprob) ? undefined : logprob / temperature;
  });
  const highest = Math.max(...logits.map((logit) => logit ?? Number.NEGATIVE_INFINITY));
  const weights = logits.map((logit) => (logit === undefined ? 0 : Math.exp(logit - highest)));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return weights.map((weight) => (total === 0 ? 0 : weight / total));
}

/** The index maximising log p + g among tokens of non-zero probability. */
function gumbelMax(probabilities: readonly number[], noise: readonly number[]): number {
  let best = -1;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < probabilities.length; index += 1) {
    const probability = probabilities[index] ?? 0;
    if (probability <= 0) continue;
    const score = Math.log(probability) + (noise[index] ?? 0);
    if (score > bestScore) {
      bestScore = score;
      best = index;
    }
  }
  return best;
}

/** A standard Gumbel draw, −log(−log u), with u kept inside (0, 1). */
function gumbel(rng: Rng): number {
  const uniform = Math.min(Math.max(rng.next(), Number.MIN_VALUE), 1 - Number.EPSILON);
  return -Math.log(-Math.log(uniform));
}
