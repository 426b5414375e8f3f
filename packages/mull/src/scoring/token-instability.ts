import type { TokenLogprob } from "../spec/index.ts";
import { distributionEntropy, topDistribution } from "./top-distribution.ts";

/** Options of `tokenInstability`. */
export interface TokenInstabilityOptions {
  /** Alternatives per position that make up its distribution (the top `k`, renormalised); default 20. */
  readonly k?: number | undefined;
  /** Weight of the entropy in the instability index (`I_t = JSD_t + weight · H_t`); default 1. */
  readonly entropyWeight?: number | undefined;
  /** Relative position (0 to 1) before which a peak counts as early; default 0.5. */
  readonly earlyBefore?: number | undefined;
}

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

/** A trace's instability: per position, its peak and where the peak falls. */
export interface TokenInstability {
  /** The positions with a usable distribution, in order. */
  readonly steps: readonly InstabilityStep[];
  /** Peak instability strength: the largest index over the trace. */
  readonly peak: number;
  /** Index of the peak among `steps` (the first when several tie). */
  readonly peakIndex: number;
  /** The peak's relative position in the trace, `peakIndex / (steps − 1)` (0 with one step). */
  readonly peakPosition: number;
  /**
   * `early` when the peak comes before `earlyBefore` of the trace (instability the trace can recover from,
   * "corrective"), `late` otherwise ("destructive").
   */
  readonly phase: "early" | "late";
}

/**
 * Jensen–Shannon divergence of two distributions over tokens, in nats: the mean KL divergence of each from
 * their average. A token one of them lacks has probability 0 there. Symmetric, 0 for equal distributions,
 * ln 2 for disjoint ones.
 *
 * @example
 * jensenShannonDivergence(new Map([["a", 1]]), new Map([["b", 1]])); // ln 2 ≈ 0.693
 */
export function jensenShannonDivergence(
  p: ReadonlyMap<string, number>,
  q: ReadonlyMap<string, number>,
): number {
  let sum = 0;
  for (const token of new Set([...p.keys(), ...q.keys()])) {
    const a = p.get(token) ?? 0;
    const b = q.get(token) ?? 0;
    const middle = (a + b) / 2;
    if (a > 0) sum += 0.5 * a * Math.log(a / middle);
    if (b > 0) sum += 0.5 * b * Math.log(b / middle);
  }
  return Math.max(0, sum);
}

/**
 * Token-level instability of a trace (Chen et al., "I May Not Have Articulated Myself Clearly": Diagnosing
 * Dynamic Instability in LLM Reasoning at Inference Time): at each position, the next-token distribution
 * seen through the top `k` log-probabilities (renormalised, as an API returns them), its entropy `H_t`,
 * and the Jensen–Shannon divergence `JSD_t` from the previous position's distribution (where the backend
 * reports the whole distribution's entropy, as the embedded backend does, that is `H_t`: a top-`k` view
 * underestimates a flat tail); the index
 * `I_t = JSD_t + λ · H_t` combines an abrupt shift with uncertainty. A trace is summarised by its peak
 * strength `max_t I_t` and where that peak falls: early peaks are often corrected (the trace stabilises and
 * ends right), late ones more often end wrong. Positions without alternatives are skipped; `undefined`
 * when none has them (ask the backend for `topLogprobs`).
 *
 * @example
 * const result = tokenInstability(completion.tokens!, { k: 20 });
 * if (result !== undefined && result.phase === "late" && result.peak > 1.2) console.log("likely wrong");
 */
export function tokenInstability(
  tokens: readonly TokenLogprob[],
  options: TokenInstabilityOptions = {},
): TokenInstability | undefined {
  const k = options.k ?? 20;
  const weight = options.entropyWeight ?? 1;
  const steps: InstabilityStep[] = [];
  let previous: Map<string, number> | undefined;
  for (const token of tokens) {
    const current = topDistribution(token, k);
    if (current === undefined) continue;
    const entropy =
      token.entropy !== undefined && Number.isFinite(token.entropy)
        ? token.entropy
        : distributionEntropy(current);
    const divergence = previous === undefined ? 0 : jensenShannonDivergence(previous, current);
    steps.push({ entropy, divergence, instability: divergence + weight * entropy });
    previous = current;
  }
  if (steps.length === 0) return undefined;
  let peakIndex = 0;
  steps.forEach((step, index) => {
    if (step.instability > (steps[peakIndex]?.instability ?? -Infinity)) peakIndex = index;
  });
  const peakPosition = steps.length === 1 ? 0 : peakIndex / (steps.length - 1);
  return {
    steps,
    peak: steps[peakIndex]?.instability ?? 0,
    peakIndex,
    peakPosition,
    phase: peakPosition < (options.earlyBefore ?? 0.5) ? "early" : "late",
  };
}
