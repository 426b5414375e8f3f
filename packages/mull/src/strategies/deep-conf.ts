import { z } from "zod";
import { checkInteger, checkNumber, checkOneOf, requireCapability } from "../runtime/index.ts";
import { type ConfidenceMeasure, defaultTopLogprobs, traceConfidence } from "../scoring/index.ts";
import { confidenceFilteredVote } from "../selection/index.ts";
import type { Candidate, SamplingStrategy, Score, TokenLogprob } from "../spec/index.ts";
import { checkFactoryOptions } from "./factory-options.ts";
import { majorityFallbackMessage } from "./majority-fallback-message.ts";
import { checkedByFactory, temperatureOption } from "./option-schemas.ts";
import { majorityFallbackNote, someWeighable, withMajorityFallback } from "./run-helpers.ts";
import { sampleAndSelect } from "./sample-and-select.ts";
import type { StrategyEntry } from "./strategy-entry.ts";

/** Options of `deepConf`. */
export interface DeepConfOptions {
  /** Traces to sample. */
  readonly n: number;
  /**
   * η: the percent of traces, the most confident, that vote. Default 90, the paper's DeepConf-high: safe
   * at small N, where its DeepConf-low (10) keeps a single trace and there is nothing left to vote over.
   */
  readonly keepPercent?: number | undefined;
  /** How a trace's confidence is summed up (see `traceConfidence`); default `lowest-group`. */
  readonly measure?: ConfidenceMeasure | undefined;
  /**
   * k: top alternatives per token that count toward its confidence; default 20, as the paper's runs
   * (fewer when the backend's `maxTopLogprobs` is lower).
   */
  readonly topLogprobs?: number | undefined;
  /** Tokens per group; default 2048 (the paper's), but at most an eighth of each trace. */
  readonly window?: number | undefined;
  /** Sampling temperature; default the run's, else 0.7. */
  readonly temperature?: number | undefined;
}

const deepConfOptions = z.strictObject({
  n: checkedByFactory,
  keepPercent: checkedByFactory,
  measure: checkedByFactory,
  topLogprobs: checkedByFactory,
  window: checkedByFactory,
  temperature: temperatureOption,
} satisfies Record<keyof DeepConfOptions, unknown>);

const defaultKeepPercent = 90;

/**
 * Offline DeepConf (Fu et al., "Deep Think with Confidence"): sample `n` traces with their top-k
 * log-probabilities, score each by its confidence (`traceConfidence`: by default its least confident
 * window), keep the `keepPercent`% most confident and take a confidence-weighted vote among them
 * (`confidenceFilteredVote`). Needs a backend with log-probabilities and top alternatives
 * (`CapabilityError` otherwise); if no trace could be scored it falls back to a majority vote, which its
 * `selectionNote` says. Wrap it with `withEarlyStop` (or `asc`/`esc`) to stop early; the paper's online variant, which cuts single traces
 * mid-generation, is `deepConfOnline`.
 *
 * @throws ConfigError for an unknown option, a count out of range, an unknown `measure` or a
 * `temperature` below 0.
 * @example
 * const result = await solve({ problem, strategy: deepConf({ n: 16, keepPercent: 10 }), backend });
 */
export function deepConf(options: DeepConfOptions): SamplingStrategy {
  const owner = "deepConf";
  checkFactoryOptions(deepConfOptions, options, owner);
  const n = checkInteger(owner, "n", options.n, { minimum: 1 });
  const keepPercent = checkNumber(owner, "keepPercent", options.keepPercent ?? defaultKeepPercent, {
    exclusiveMinimum: 0,
    maximum: 100,
  });
  const measure = checkOneOf(owner, "measure", options.measure ?? "lowest-group", [
    "lowest-group",
    "bottom-10%",
    "tail",
  ]);
  // One alternative would turn the measure upside down (see `tokenConfidence`).
  const k = checkInteger(owner, "topLogprobs", options.topLogprobs ?? defaultTopLogprobs, { minimum: 2 });
  const window =
    options.window === undefined ? undefined : checkInteger(owner, "window", options.window, { minimum: 1 });
  const name = `deepconf@${n}`;
  const scorer = `deepconf:${measure}`;
  const scored = (candidate: Candidate): boolean =>
    candidate.answer !== undefined && candidate.scores.some((score) => score.scorer === scorer);
  const usable = someWeighable(scored);
  const select = withMajorityFallback(confidenceFilteredVote({ scorer, keepPercent }), usable);
  const selectionNote = majorityFallbackNote(
    usable,
    majorityFallbackMessage(name, "no trace had a confidence"),
  );
  return {
    name,
    parameters: {
      n,
      keepPercent,
      measure,
      topLogprobs: k,
      ...(window === undefined ? {} : { window }),
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
    },
    samples: n,
    select,
    selectionNote,
    withSamples: (samples) => deepConf({ ...options, n: samples }),
    async run(problem, context) {
      await requireCapability(context.backend, "logprobs", name, { signal: context.signal });
      const capabilities = await requireCapability(context.backend, "topLogprobs", name, {
        signal: context.signal,
      });
      const topLogprobs = Math.min(k, capabilities.maxTopLogprobs ?? k);
      const scoreTokens = (tokens: readonly TokenLogprob[]): Score | undefined => {
        const value = traceConfidence(tokens, { k: topLogprobs, window, measure });
        return value === undefined ? undefined : { scorer, kind: "confidence", value };
      };
      return sampleAndSelect(problem, context, {
        n,
        temperature: options.temperature,
        select,
        logprobs: true,
        topLogprobs,
        scoreTokens,
      });
    },
  };
}

/** `deepconf@N` in the strategy catalog. */
export const deepConfEntry: StrategyEntry = {
  forms: ["deepconf@N"],
  kind: "sampling",
  choosesWholeSamples: true,
  drawsWholeSamples: true,
  summary:
    "DeepConf: confidence-weighted vote among the 90% of N traces most confident in their weakest stretch",
  needs: ["logprobs"],
  replay: "recorded",
  create: ({ N }) => deepConf({ n: N! }),
};
