import type { TokenLogprob } from "../spec/index.ts";
import { distributionEntropy, topDistribution } from "./top-distribution.ts";

/**
 * The entropy in nats of the next-token distribution a token was drawn from: the backend's own reading of
 * the whole distribution (`TokenLogprob.entropy`) where it gives a finite one; otherwise the entropy of its top
 * alternatives renormalised to sum to 1, which understates a flat tail (k alternatives give at most
 * log k) but orders positions alike; `undefined` when the token has neither.
 *
 * @example
 * tokenEntropy({ token: "7", logprob: Math.log(0.5), topLogprobs: [
 *   { token: "7", logprob: Math.log(0.5) }, { token: "8", logprob: Math.log(0.5) },
 * ] }); // Math.log(2) ≈ 0.693
 */
export function tokenEntropy(token: TokenLogprob): number | undefined {
  if (token.entropy !== undefined && Number.isFinite(token.entropy)) return token.entropy;
  const distribution = topDistribution(token);
  return distribution === undefined ? undefined : distributionEntropy(distribution);
}
