import { checkInteger, checkNumber } from "../runtime/index.ts";
import type { TokenLogprob } from "../spec/index.ts";
import { type InstabilityStep, instabilityMeter } from "./instability-meter.ts";

/** Options of `tokenInstability`. */
export interface TokenInstabilityOptions {
  /** Alternatives per position that make up its distribution (the top `k`, renormalised; at least 1); default 20. */
  readonly k?: number | undefined;
  /** Weight of the entropy in the instability index (`I_t = JSD_t + weight · H_t`; at least 0); default 1. */
  readonly entropyWeight?: number | undefined;
  /** Relative position (0 to 1) before which a peak counts as early; default 0.5. */
  readonly earlyBefore?: number | undefined;
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
 * @throws ConfigError when `k` is not an integer ≥ 1, `entropyWeight` not a number ≥ 0, or `earlyBefore`
 * not a number from 0 to 1.
 * @example
 * const result = tokenInstability(completion.tokens!, { k: 20 });
 * if (result !== undefined && result.phase === "late" && result.peak > 1.2) console.log("likely wrong");
 */
export function tokenInstability(
  tokens: readonly TokenLogprob[],
  options: TokenInstabilityOptions = {},
): TokenInstability | undefined {
  const k = checkInteger("tokenInstability", "k", options.k ?? 20, { minimum: 1 });
  const entropyWeight = checkNumber("tokenInstability", "entropyWeight", options.entropyWeight ?? 1, {
    minimum: 0,
  });
  const earlyBefore = checkNumber("tokenInstability", "earlyBefore", options.earlyBefore ?? 0.5, {
    minimum: 0,
    maximum: 1,
  });
  const measure = instabilityMeter({ k, entropyWeight });
  const steps = tokens.flatMap((token): InstabilityStep[] => {
    const step = measure(token);
    return step === undefined ? [] : [step];
  });
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
    phase: peakPosition < earlyBefore ? "early" : "late",
  };
}
