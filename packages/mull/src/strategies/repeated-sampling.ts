import { z } from "zod";
import { checkInteger } from "../runtime/index.ts";
import { majorityVote } from "../selection/index.ts";
import type { SamplingStrategy } from "../spec/index.ts";
import { checkFactoryOptions } from "./factory-options.ts";
import { checkedByFactory, temperatureOption } from "./option-schemas.ts";
import { sampleAndSelect } from "./sample-and-select.ts";
import type { StrategyEntry } from "./strategy-entry.ts";

/** Options of `repeatedSampling`. */
export interface RepeatedSamplingOptions {
  /** Samples to draw. */
  readonly n: number;
  /** Sampling temperature; default the run's, else 0.7. */
  readonly temperature?: number | undefined;
}

const repeatedSamplingOptions = z.strictObject({
  n: checkedByFactory,
  temperature: temperatureOption,
} satisfies Record<keyof RepeatedSamplingOptions, unknown>);

/**
 * Repeated sampling (Large Language Monkeys): draw `n` independent samples in as few calls as the budget
 * allows and keep them all — coverage (pass@k) is measured on its candidates by whoever knows the gold
 * answer. Its own answer is the majority answer.
 *
 * @throws ConfigError for an unknown option, `n` not an integer ≥ 1 or a `temperature` below 0.
 * @example
 * const result = await solve({ problem, strategy: repeatedSampling({ n: 100 }), backend });
 * const correct = result.candidates.filter((candidate) => grade(candidate.answer)).length;
 * const coverage = passAtK(result.candidates.length, correct, 10);
 */
export function repeatedSampling(options: RepeatedSamplingOptions): SamplingStrategy {
  checkFactoryOptions(repeatedSamplingOptions, options, "repeatedSampling");
  const n = checkInteger("repeatedSampling", "n", options.n, { minimum: 1 });
  const select = majorityVote();
  return {
    name: `rs@${n}`,
    parameters: { n, ...(options.temperature === undefined ? {} : { temperature: options.temperature }) },
    samples: n,
    select,
    withSamples: (samples) => repeatedSampling({ ...options, n: samples }),
    run: (problem, context) =>
      sampleAndSelect(problem, context, { n, temperature: options.temperature, select }),
  };
}

/** `rs@N` in the strategy catalog. */
export const repeatedSamplingEntry: StrategyEntry = {
  forms: ["rs@N"],
  kind: "sampling",
  choosesWholeSamples: true,
  drawsWholeSamples: true,
  summary: "repeated sampling: all N candidates kept (coverage / pass@k studies), answered by majority",
  needs: [],
  replay: "recorded",
  create: ({ N }) => repeatedSampling({ n: N! }),
};
