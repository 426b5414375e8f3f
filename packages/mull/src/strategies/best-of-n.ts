import { addUsage } from "../budget/index.ts";
import { sampleCandidates } from "../generation/index.ts";
import { scoreCandidates } from "../scoring/index.ts";
import { argmaxByScore, majorityVote, type VoteResult } from "../selection/index.ts";
import type { OutcomeScorer, Strategy } from "../spec/index.ts";
import {
  checkSampleCount,
  defaultSamplingTemperature,
  firstStop,
  isCut,
  requireSomething,
} from "./run-helpers.ts";

/** Options of `bestOfN`. */
export interface BestOfNOptions {
  /** Samples to choose from. */
  readonly n: number;
  /** The outcome verifier: a programmatic checker, an LLM judge, a reward model. */
  readonly scorer: OutcomeScorer;
  /** Sampling temperature; default the run's, else 0.7. */
  readonly temperature?: number | undefined;
}

/**
 * Best-of-N: sample `n` solutions, score each with an outcome verifier, return the highest-scored one
 * with an answer (the first on ties). If the budget cuts scoring short, only scored candidates compete;
 * if none was scored, it falls back to a majority vote and says so in the trace.
 *
 * @example
 * const result = await solve({ problem, strategy: bestOfN({ n: 8, scorer: checker }), backend });
 */
export function bestOfN(options: BestOfNOptions): Strategy {
  const { n, scorer } = options;
  checkSampleCount("bestOfN", n);
  const select = argmaxByScore({ scorer: scorer.name });
  const fallback = majorityVote();
  const name = `bon@${n}`;
  return {
    name,
    parameters: {
      n,
      scorer: scorer.name,
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
    },
    async run(problem, context) {
      const temperature = options.temperature ?? context.sampling.temperature ?? defaultSamplingTemperature;
      const sample = await sampleCandidates({ problem, n, context, sampling: { temperature } });
      requireSomething(sample.candidates.length, sample.stoppedBy);
      const scoring = await scoreCandidates({ problem, candidates: sample.candidates, scorer, context });
      let result: VoteResult;
      if (scoring.scored === 0) {
        context.tracer.record({
          type: "note",
          parentId: context.parentId,
          message: `${name}: no candidate was scored (${scoring.stoppedBy}); falling back to a majority vote`,
        });
        result = fallback(scoring.candidates, context);
      } else {
        result = select(scoring.candidates, context);
      }
      const stoppedBy = firstStop(sample.stoppedBy, scoring.stoppedBy);
      return {
        answer: result.answer,
        best: result.best,
        candidates: scoring.candidates,
        votes: result.tally,
        stoppedBy,
        partial: isCut(stoppedBy),
        usage: addUsage(sample.usage, { ...scoring.usage, calls: 0 }),
        scoreCalls: scoring.calls,
      };
    },
  };
}
