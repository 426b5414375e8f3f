import type { TokenLogprob } from "../spec/index.ts";

/**
 * The next-token distribution a position's top alternatives show: the first `k` (all without `k`) with a
 * finite log-probability, renormalised to sum to 1, by token text (repeated texts add up). `undefined`
 * when the position has none.
 *
 * @example
 * topDistribution({ token: "7", logprob: -0.7, topLogprobs: [{ token: "7", logprob: -0.7 }, { token: "8", logprob: -0.7 }] });
 * // Map { "7" => 0.5, "8" => 0.5 }
 */
export function topDistribution(token: TokenLogprob, k?: number): Map<string, number> | undefined {
  const top = (token.topLogprobs ?? [])
    .slice(0, k)
    .filter((alternative) => Number.isFinite(alternative.logprob));
  if (top.length === 0) return undefined;
  const largest = Math.max(...top.map((alternative) => alternative.logprob));
  const weights = top.map((alternative) => Math.exp(alternative.logprob - largest));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const result = new Map<string, number>();
  top.forEach((alternative, index) => {
    result.set(alternative.token, (result.get(alternative.token) ?? 0) + (weights[index] ?? 0) / total);
  });
  return result;
}

/** The entropy in nats of a distribution over tokens. */
export function distributionEntropy(distribution: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const probability of distribution.values()) {
    if (probability > 0) sum -= probability * Math.log(probability);
  }
  return sum;
}
