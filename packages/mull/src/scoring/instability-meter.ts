import type { TokenLogprob } from "../spec/index.ts";
import { jensenShannonDivergence } from "./jensen-shannon-divergence.ts";
import { distributionEntropy, topDistribution } from "./top-distribution.ts";

/** One position of a trace under `tokenInstability`. */
export interface InstabilityStep {
  /**
   * Entropy (nats) of the position's next-token distribution: the whole distribution's when the backend
   * reported it (`TokenLogprob.entropy`), else that of the renormalised top `k`.
   */
  readonly entropy: number;
  /** Jensen–Shannon divergence (nats, at most ln 2) from the previous position's distribution; 0 at the first. */
  readonly divergence: number;
  /** The instability index: `divergence + entropyWeight · entropy`. */
  readonly instability: number;
}

/** Options of `instabilityMeter`. */
export interface InstabilityMeterOptions {
  /** Alternatives per position that make up its distribution (the top `k`, renormalised). */
  readonly k: number;
  /** Weight of the entropy in the instability index (`I_t = JSD_t + weight · H_t`). */
  readonly entropyWeight: number;
}

/**
 * Measures a trace's instability token by token, as `tokenInstability` does over a whole trace: each
 * position's entropy, its Jensen–Shannon divergence from the previous position with a distribution, and
 * their sum `JSD_t + weight · H_t`. It keeps the previous distribution, so make one per trace; a position
 * without alternatives gives `undefined` and leaves it as it was.
 *
 * @example
 * const measure = instabilityMeter({ k: 20, entropyWeight: 1 });
 * for (const token of tokens) console.log(measure(token)?.instability);
 */
export function instabilityMeter(
  options: InstabilityMeterOptions,
): (token: TokenLogprob) => InstabilityStep | undefined {
  let previous: ReadonlyMap<string, number> | undefined;
  return (token) => {
    const current = topDistribution(token, options.k);
    if (current === undefined) return undefined;
    const entropy =
      token.entropy !== undefined && Number.isFinite(token.entropy)
        ? token.entropy
        : distributionEntropy(current);
    const divergence = previous === undefined ? 0 : jensenShannonDivergence(previous, current);
    previous = current;
    return { entropy, divergence, instability: divergence + options.entropyWeight * entropy };
  };
}
