import { z } from "zod";
import { integerSchema, numberSchema, parseOptions } from "../runtime/index.ts";
import type { TokenLogprob, TokenVerdict } from "../spec/index.ts";
import { slidingGroupConfidence } from "./sliding-group-confidence.ts";
import { tokenConfidence } from "./token-confidence.ts";

/** Options of `lowConfidenceCut`. */
export interface LowConfidenceCutOptions {
  /** Alternatives per position that count toward a token's confidence (the top `k`). */
  readonly k: number;
  /** Tokens per group. */
  readonly window: number;
  /** The stop threshold s: a full group less confident than this ends the trace. */
  readonly threshold: number;
}

/** Every option: the alternatives per position, the group size and the threshold. */
const lowConfidenceCutOptions = z.object({
  k: integerSchema({ minimum: 1 }),
  window: integerSchema({ minimum: 1 }),
  threshold: numberSchema(),
});

/**
 * DeepConf's online early stop for one trace (Fu et al., "Deep Think with Confidence"): a watcher that
 * keeps the sliding group confidence of the tokens generated so far (`slidingGroupConfidence` over
 * `tokenConfidence`) and answers `stop` as soon as a full group of `window` tokens is less confident than
 * `threshold`. Positions without top alternatives are skipped, as `traceConfidence` skips them. Make one
 * per trace: it keeps the trace's window.
 *
 * @example
 * await sampleCandidates({ problem, n: 4, context, topLogprobs: 20,
 *   watchCompletion: () => lowConfidenceCut({ k: 20, window: 8, threshold: 11.5 }) });
 */
export function lowConfidenceCut(options: LowConfidenceCutOptions): (token: TokenLogprob) => TokenVerdict {
  parseOptions(lowConfidenceCutOptions, options, "lowConfidenceCut");
  const groups = slidingGroupConfidence(options.window);
  return (token) => {
    const confidence = tokenConfidence(token, options.k);
    if (confidence === undefined) return "continue";
    const group = groups.add(confidence);
    return group !== undefined && group < options.threshold ? "stop" : "continue";
  };
}
