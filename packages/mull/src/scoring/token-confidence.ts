import type { TokenLogprob } from "../spec/index.ts";

/**
 * DeepConf's token confidence (Fu et al., "Deep Think with Confidence"): the negative mean of the top-`k`
 * log-probabilities at one position, C = −(1/k) Σ_{j≤k} log P_j. A peaked distribution leaves its
 * alternatives very unlikely, so C is large when the model is sure — which needs several alternatives:
 * with k = 1 it would be −log of the likeliest token, small when sure. Uses the alternatives the
 * backend returned, at most `k`; `undefined` when it returned none. Minus log k it is the token's
 * self-certainty from the same alternatives, KL(U_k ‖ p) (`tokenSelfCertainty`).
 *
 * @example
 * tokenConfidence({ token: "4", logprob: -0.1, topLogprobs: [{ token: "4", logprob: -0.1 }, { token: "5", logprob: -2.3 }] }, 2);
 * // → 1.2
 */
export function tokenConfidence(token: TokenLogprob, k: number): number | undefined {
  const top = token.topLogprobs?.slice(0, k) ?? [];
  if (top.length === 0) return undefined;
  return -top.reduce((sum, alternative) => sum + alternative.logprob, 0) / top.length;
}
