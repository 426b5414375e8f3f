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

/** A generated token's logprob and top alternatives, from the sampler's (here: raw) distribution. */
export function readDistribution(output: GeneratedToken, topLogprobs: number): ForcedToken {
  const top: { token: Token; logprob: number }[] = [];
  if (topLogprobs > 0 && output.probabilities !== undefined) {
    // The map is sorted, most likely first.
    for (const [token, probability] of output.probabilities) {
      if (top.length >= topLogprobs) break;
      top.push({ token, logprob: Math.log(probability) });
    }
  }
  const probability = output.confidence ?? output.probabilities?.get(output.token) ?? 0;
  return { token: output.token, logprob: Math.log(probability), top };
}
