import type { TokenLogprob } from "../spec/index.ts";
import { groupConfidences } from "./group-confidences.ts";
import { tokenConfidence } from "./token-confidence.ts";

/**
 * How DeepConf sums up a trace from its token confidences:
 * - `lowest-group`: the lowest group confidence, the trace's least confident stretch;
 * - `bottom-10%`: the mean of the lowest tenth of its group confidences (at least one);
 * - `tail`: the mean confidence of its last `window` tokens, where the answer is written.
 */
export type ConfidenceMeasure = "lowest-group" | "bottom-10%" | "tail";

/** Options of `traceConfidence`. */
export interface TraceConfidenceOptions {
  /** Alternatives per position that count toward a token's confidence (the top `k`). */
  readonly k: number;
  /** Tokens per group; default the paper's 2048, but at most an eighth of the trace (rounded up). */
  readonly window?: number | undefined;
  /** Default `lowest-group`. */
  readonly measure?: ConfidenceMeasure | undefined;
}

/** The paper's group size, for traces of tens of thousands of tokens. */
const paperWindow = 2048;

/**
 * The default window: the paper's 2048 tokens is a small fraction of its long reasoning traces, so on
 * short traces (a few hundred tokens) it would make the whole trace one group and every measure the mean;
 * an eighth of the trace keeps groups local there and changes nothing on long traces.
 */
function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function defaultWindow(length: number): number {
  return Math.min(paperWindow, Math.ceil(length / 8));
}

/**
 * DeepConf's confidence of a whole trace (Fu et al., "Deep Think with Confidence"), from the top
 * log-probabilities of its tokens: token confidences (`tokenConfidence`), averaged over sliding windows
 * (`groupConfidences`), summed up by `measure`. Higher means more confident. Positions without top
 * alternatives are skipped; `undefined` when no position has any.
 *
 * @example
 * const confidence = traceConfidence(completion.tokens!, { k: 20, measure: "lowest-group" });
 */
export function traceConfidence(
  tokens: readonly TokenLogprob[],
  options: TraceConfidenceOptions,
): number | undefined {
  const confidences = tokens.flatMap((token) => {
    const confidence = tokenConfidence(token, options.k);
    return confidence === undefined ? [] : [confidence];
  });
  if (confidences.length === 0) return undefined;
  const window = options.window ?? defaultWindow(confidences.length);
  const measure = options.measure ?? "lowest-group";
  if (measure === "tail") return mean(confidences.slice(-window));
  const groups = groupConfidences(confidences, window);
  // A reduce, not Math.min(...groups): a long trace has more groups than a call takes arguments.
  if (measure === "lowest-group") return groups.reduce((lowest, value) => Math.min(lowest, value));
  groups.sort((left, right) => left - right);
  return mean(groups.slice(0, Math.max(1, Math.floor(groups.length / 10))));
}
