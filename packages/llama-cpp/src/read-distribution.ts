import type { Token } from "node-llama-cpp";
import type { ForcedToken } from "./teacher-force.ts";

/** Largest vocabulary for which the full next-token distribution is read at every generated token. */
export const fullDistributionLimit = 4096;

/** What `evaluateWithMetadata` yields per generated token. */
export interface GeneratedToken {
  readonly token: Token;
  readonly confidence?: number;
  readonly probabilities?: ReadonlyMap<Token, number>;
}

/**
 * A generated token's raw-distribution logprob and top alternatives, from the sampler's distribution:
 * as it is when `temperature` is 1 (greedy decoding, or temperature-1 sampling without truncation), else
 * undone from the whole tempered distribution, which then must be in `output.probabilities`. Under pure
 * temperature T the sampler's p_T(j) ∝ p(j)^(1/T), so log p(j) = T·log p_T(j) − logsumexp_i T·log p_T(i),
 * exactly (to float precision). A token whose tempered probability underflowed to 0 gets −∞. With the whole
 * distribution at hand, its entropy in nats (−Σ p log p of the raw distribution) comes along.
 */
export function readDistribution(output: GeneratedToken, topLogprobs: number, temperature = 1): ForcedToken {
  const probabilities = output.probabilities;
  let raw = (probability: number): number => Math.log(probability);
  if (temperature !== 1 && probabilities !== undefined) {
    let maximum = Number.NEGATIVE_INFINITY;
    for (const probability of probabilities.values()) {
      if (probability > 0) maximum = Math.max(maximum, temperature * Math.log(probability));
    }
    let sum = 0;
    for (const probability of probabilities.values()) {
      if (probability > 0) sum += Math.exp(temperature * Math.log(probability) - maximum);
    }
    const normaliser = maximum + Math.log(sum);
    raw = (probability) =>
      probability > 0 ? temperature * Math.log(probability) - normaliser : Number.NEGATIVE_INFINITY;
  }
  const top: { token: Token; logprob: number }[] = [];
  if (topLogprobs > 0 && probabilities !== undefined) {
    // The map is sorted, most likely first; a temperature keeps the order.
    for (const [token, probability] of probabilities) {
      if (top.length >= topLogprobs) break;
      top.push({ token, logprob: raw(probability) });
    }
  }
  const probability = probabilities?.get(output.token) ?? output.confidence ?? 0;
  if (probabilities === undefined) return { token: output.token, logprob: raw(probability), top };
  let entropy = 0;
  for (const value of probabilities.values()) {
    const logprob = raw(value);
    if (Number.isFinite(logprob)) entropy -= Math.exp(logprob) * logprob;
  }
  return { token: output.token, logprob: raw(probability), top, entropy: Math.max(0, entropy) };
}
