import { checkInteger } from "../runtime/index.ts";
import { majorityVote } from "../selection/index.ts";
import type { SamplingStrategy } from "../spec/index.ts";
import { sampleAndSelect } from "./sample-and-select.ts";
import type { StrategyEntry } from "./strategy-entry.ts";

/** Options of `repeatedSampling`. */
export interface RepeatedSamplingOptions {
  /** Samples to draw. */
  readonly n: number;
  /** Sampling temperature; default the run's, else 0.7. */
  readonly temperature?: number | undefined;
}

/**
 * Repeated sampling (Large Language Monkeys): draw `n` independent samples in as few calls as the budget
 * allows and keep them all — coverage (pass@k) is measured on its candidates by whoever knows the gold
 * answer. Its own answer is the majority answer.
 *
 * @example
 * const result = await solve({ problem, strategy: repeatedSampling({ n: 100 }), backend });
 * const correct = result.candidates.filter((candidate) => grade(candidate.answer)).length;
 * const coverage = passAtK(result.candidates.length, correct, 10);
 */
export function repeatedSampling(options: RepeatedSamplingOptions): SamplingStrategy {
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
  summary: "repeated sampling: all N candidates kept (coverage / pass@k studies), answered by majority",
  needs: [],
  create: ({ N }) => repeatedSampling({ n: N! }),
};
