import type { TokenLogprob } from "../spec/index.ts";

/**
 * The self-certainty of one position from its top-`k` alternatives (Kang et al., "Scalable Best-of-N
 * Selection for LLMs via Self-Certainty"). The paper's per-token self-certainty is KL(U ‖ p), the
 * divergence of the next-token distribution p from the uniform distribution over the whole vocabulary,
 * which needs every probability. A backend returns only the top alternatives, so this is KL(U_k ‖ p): the
 * divergence of p from the uniform distribution over its `k` likeliest tokens,
 *
 *   KL(U_k ‖ p) = Σ_{j≤k} (1/k) · log((1/k) / p_j) = −(1/k) Σ_{j≤k} log p_j − log k.
 *
 * It is exact, not an approximation of a sum over the vocabulary: U_k lives on the top `k`, where p is
 * known. It is ≥ 0 (0 when the top `k` are equally likely and hold all the mass), grows as p piles onto its
 * first token, and equals the paper's value when `k` is the vocabulary size. It is DeepConf's token
 * confidence (`tokenConfidence`, −(1/k) Σ log p_j) minus log k: at a fixed `k` the two order positions,
 * and the mean of either orders whole traces, the same way.
 *
 * Uses the alternatives the backend returned, at most `k`, leaving out any of probability 0 (log p =
 * −∞). `undefined` with fewer than two: with one alternative the formula is −log p_1, which is small when
 * the model is sure — the measure turned upside down.
 *
 * @example
 * tokenSelfCertainty({ token: "4", logprob: -0.1, topLogprobs: [{ token: "4", logprob: -0.1 }, { token: "5", logprob: -2.3 }] }, 2);
 * // → 1.2 − log 2 ≈ 0.507
 */
export function tokenSelfCertainty(token: TokenLogprob, k: number): number | undefined {
  const top = (token.topLogprobs ?? [])
    .slice(0, k)
    .filter((alternative) => Number.isFinite(alternative.logprob));
  if (top.length < 2) return undefined;
  const meanLogprob = top.reduce((sum, alternative) => sum + alternative.logprob, 0) / top.length;
  return -meanLogprob - Math.log(top.length);
}

/**
 * The self-certainty of a trace (Kang et al.): the mean over its tokens of each position's divergence
 * from uniform, here the top-`k` form of `tokenSelfCertainty`. Higher means the model was surer of what it
 * wrote; it is ≥ 0, so it can weigh votes directly. Positions without two usable alternatives are skipped;
 * `undefined` when no position has them.
 *
 * Since each position's value is DeepConf's token confidence minus log k, a trace's self-certainty is
 * its mean token confidence minus log k: it ranks traces as DeepConf's confidence averaged over the whole
 * trace would, not as its default lowest-window measure (`traceConfidence`).
 *
 * @example
 * const certainty = traceSelfCertainty(completion.tokens!, { k: 20 });
 */
export function traceSelfCertainty(
  tokens: readonly TokenLogprob[],
  options: { readonly k: number },
): number | undefined {
  let sum = 0;
  let count = 0;
  for (const token of tokens) {
    const value = tokenSelfCertainty(token, options.k);
    if (value === undefined) continue;
    sum += value;
    count += 1;
  }
  return count === 0 ? undefined : sum / count;
}
