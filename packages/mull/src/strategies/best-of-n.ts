import { sampleCandidates } from "../generation/index.ts";
import { checkInteger } from "../runtime/index.ts";
import { latestScore, scoreCandidates } from "../scoring/index.ts";
import { argmaxByScore } from "../selection/index.ts";
import type { OutcomeScorer, SamplingStrategy } from "../spec/index.ts";
import {
  defaultSamplingTemperature,
  firstStop,
  requireSomething,
  withMajorityFallback,
} from "./run-helpers.ts";
import type { StrategyEntry } from "./strategy-entry.ts";

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
export function bestOfN(options: BestOfNOptions): SamplingStrategy {
  const { scorer } = options;
  const n = checkInteger("bestOfN", "n", options.n, { minimum: 1 });
  const name = `bon@${n}`;
  const select = withMajorityFallback(
    argmaxByScore({ scorer: scorer.name }),
    (candidates) => candidates.some((candidate) => latestScore(candidate, scorer.name) !== undefined),
    `${name}: no candidate was scored; falling back to a majority vote`,
  );
  return {
    name,
    parameters: {
      n,
      scorer: scorer.name,
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
    },
    samples: n,
    select,
    withSamples: (samples) => bestOfN({ ...options, n: samples }),
    async run(problem, context) {
      const temperature = options.temperature ?? context.sampling.temperature ?? defaultSamplingTemperature;
      const sample = await sampleCandidates({ problem, n, context, sampling: { temperature } });
      requireSomething(sample.candidates.length, sample.stoppedBy);
      const scoring = await scoreCandidates({ problem, candidates: sample.candidates, scorer, context });
      const result = select(scoring.candidates, context);
      return {
        answer: result.answer,
        best: result.best,
        candidates: scoring.candidates,
        votes: result.tally,
        stoppedBy: firstStop(sample.stoppedBy, scoring.stoppedBy),
      };
    },
  };
}

/** `bon@N` in the strategy catalog. */
export const bestOfNEntry: StrategyEntry = {
  forms: ["bon@N"],
  kind: "sampling",
  summary:
    "best-of-N by an outcome scorer: the lab checker, an LLM judge, an HTTP reward model (vLLM `/pooling`, `/classify`)",
  needs: ["scorer"],
  create: ({ N }, { scorer }) => bestOfN({ n: N!, scorer }),
};
