import { z } from "zod";
import { checkInteger, requireCapability } from "../runtime/index.ts";
import { perplexityConsistencyVote } from "../selection/index.ts";
import type { Candidate, SamplingStrategy } from "../spec/index.ts";
import { checkFactoryOptions } from "./factory-options.ts";
import { majorityFallbackMessage } from "./majority-fallback-message.ts";
import { checkedByFactory, temperatureOption } from "./option-schemas.ts";
import { majorityFallbackNote, someWeighable, withMajorityFallback } from "./run-helpers.ts";
import { sampleAndSelect } from "./sample-and-select.ts";
import type { StrategyEntry } from "./strategy-entry.ts";

/** Options of `perplexityConsistency`. */
export interface PerplexityConsistencyOptions {
  /** Samples to vote over. */
  readonly n: number;
  /** Sampling temperature; default the run's, else 0.7. */
  readonly temperature?: number | undefined;
}

const perplexityConsistencyOptions = z.strictObject({
  n: checkedByFactory,
  temperature: temperatureOption,
} satisfies Record<keyof PerplexityConsistencyOptions, unknown>);

const weighable = (candidate: Candidate): boolean =>
  candidate.answer !== undefined &&
  candidate.meanLogprob !== undefined &&
  !Number.isNaN(candidate.meanLogprob);

/**
 * RPC (Zhou et al., "A Theoretical Study on Bridging Internal Probability and Self-Consistency for LLM
 * Reasoning"): sample `n` paths with log-probabilities, prune the paths far less likely than the rest,
 * and weigh each answer by the summed probability (exp mean log p) of its distinct paths — see
 * `perplexityConsistencyVote`. Needs a backend with log-probabilities (`CapabilityError` otherwise); if
 * no sampled path could be weighed it falls back to a majority vote, which its `selectionNote` says. Wrap
 * it with `withEarlyStop` (or `asc`/`esc`) to stop early.
 *
 * @throws ConfigError for an unknown option, `n` not an integer ≥ 1 or a `temperature` below 0.
 * @example
 * const result = await solve({ problem, strategy: perplexityConsistency({ n: 16 }), backend });
 */
export function perplexityConsistency(options: PerplexityConsistencyOptions): SamplingStrategy {
  checkFactoryOptions(perplexityConsistencyOptions, options, "perplexityConsistency");
  const n = checkInteger("perplexityConsistency", "n", options.n, { minimum: 1 });
  const name = `rpc@${n}`;
  const usable = someWeighable(weighable);
  const select = withMajorityFallback(perplexityConsistencyVote(), usable);
  const selectionNote = majorityFallbackNote(
    usable,
    majorityFallbackMessage(name, "no candidate could be weighed"),
  );
  return {
    name,
    parameters: { n, ...(options.temperature === undefined ? {} : { temperature: options.temperature }) },
    samples: n,
    select,
    selectionNote,
    withSamples: (samples) => perplexityConsistency({ ...options, n: samples }),
    async run(problem, context) {
      await requireCapability(context.backend, "logprobs", name, { signal: context.signal });
      return sampleAndSelect(problem, context, {
        n,
        temperature: options.temperature,
        select,
        logprobs: true,
      });
    },
  };
}

/** `rpc@N` in the strategy catalog. */
export const perplexityConsistencyEntry: StrategyEntry = {
  forms: ["rpc@N"],
  kind: "sampling",
  choosesWholeSamples: true,
  drawsWholeSamples: true,
  summary: "RPC: prune low-probability paths, then weigh each answer by its distinct paths' probability",
  needs: ["logprobs"],
  replay: "recorded",
  create: ({ N }) => perplexityConsistency({ n: N! }),
};
