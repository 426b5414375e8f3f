import { sampleCandidates } from "../generation/index.ts";
import { majorityVote } from "../selection/index.ts";
import type { Strategy } from "../spec/index.ts";
import { checkSampleCount, defaultSamplingTemperature, isCut, requireSomething } from "./run-helpers.ts";

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
export function repeatedSampling(options: RepeatedSamplingOptions): Strategy {
  const { n } = options;
  checkSampleCount("repeatedSampling", n);
  const vote = majorityVote();
  return {
    name: `rs@${n}`,
    parameters: { n, ...(options.temperature === undefined ? {} : { temperature: options.temperature }) },
    async run(problem, context) {
      const temperature = options.temperature ?? context.sampling.temperature ?? defaultSamplingTemperature;
      const sample = await sampleCandidates({ problem, n, context, sampling: { temperature } });
      requireSomething(sample.candidates.length, sample.stoppedBy);
      const result = vote(sample.candidates, context);
      return {
        answer: result.answer,
        best: result.best,
        candidates: sample.candidates,
        votes: result.tally,
        stoppedBy: sample.stoppedBy,
        partial: isCut(sample.stoppedBy),
        usage: sample.usage,
        scoreCalls: 0,
      };
    },
  };
}
