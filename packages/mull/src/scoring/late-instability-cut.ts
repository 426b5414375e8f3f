import { z } from "zod";
import { checkInteger, checkNumber, parseOptions } from "../runtime/index.ts";
import type { TokenLogprob, TokenVerdict } from "../spec/index.ts";
import { instabilityMeter } from "./instability-meter.ts";

/** Options of `lateInstabilityCut`. */
export interface LateInstabilityCutOptions {
  /** Alternatives per position that make up its distribution (the top `k`, at least 2). */
  readonly k: number;
  /**
   * The stop threshold: a late position whose instability index (`JSD_t + entropyWeight · H_t`, nats)
   * is above it ends the trace.
   */
  readonly threshold: number;
  /**
   * Tokens that make up the early part of a trace: the position at this 0-based index and every one after
   * it are late. Instability before it never cuts.
   */
  readonly lateAfter: number;
  /** Weight of the entropy in the instability index; default 1 (see `tokenInstability`). */
  readonly entropyWeight?: number | undefined;
}

/** An options object; its values are checked where they are read. */
const lateInstabilityCutOptions = z.object({});

/**
 * A token watcher that cuts a trace whose distribution turns unstable late (Chen et al., "I May Not Have
 * Articulated Myself Clearly"): it measures each position's instability index as `tokenInstability`
 * does (Jensen–Shannon shift from the previous position plus weighted entropy) and answers `stop` at the
 * first position from token `lateAfter` on whose index is above `threshold`. Early instability is left
 * alone, however strong: the paper finds it often corrective, the trace settling and ending right, where a
 * late peak is destructive. Positions are counted by token, those without top alternatives included
 * (they are skipped, as `tokenInstability` skips them). Make one per trace: it keeps the trace's previous
 * distribution and position.
 *
 * @throws ConfigError when `k` is not an integer ≥ 2, `lateAfter` not an integer ≥ 0, or `threshold` or
 * `entropyWeight` is negative.
 * @example
 * await sampleCandidates({ problem, n: 4, context, topLogprobs: 20,
 *   watchCompletion: () => lateInstabilityCut({ k: 20, threshold: 2.5, lateAfter: 60 }) });
 */
export function lateInstabilityCut(
  options: LateInstabilityCutOptions,
): (token: TokenLogprob) => TokenVerdict {
  parseOptions(lateInstabilityCutOptions, options, "lateInstabilityCut");
  const owner = "lateInstabilityCut";
  const k = checkInteger(owner, "k", options.k, { minimum: 2 });
  const threshold = checkNumber(owner, "threshold", options.threshold, { minimum: 0 });
  const lateAfter = checkInteger(owner, "lateAfter", options.lateAfter, { minimum: 0 });
  const entropyWeight =
    options.entropyWeight === undefined
      ? 1
      : checkNumber(owner, "entropyWeight", options.entropyWeight, { minimum: 0 });
  const measure = instabilityMeter({ k, entropyWeight });
  let position = 0;
  return (token) => {
    const late = position >= lateAfter;
    position += 1;
    const step = measure(token);
    return late && step !== undefined && step.instability > threshold ? "stop" : "continue";
  };
}
