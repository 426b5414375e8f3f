import { z } from "zod";
import { sampleCandidates } from "../generation/index.ts";
import { checkInteger } from "../runtime/index.ts";
import { scoreCandidates } from "../scoring/index.ts";
import type { Candidate, OutcomeScorer, SamplingStrategy } from "../spec/index.ts";
import { argmaxOrMajority, someScoredBy } from "./argmax-or-majority.ts";
import { checkFactoryOptions } from "./factory-options.ts";
import { majorityFallbackMessage } from "./majority-fallback-message.ts";
import { checkedByFactory, outcomeScorerOption, temperatureOption } from "./option-schemas.ts";
import {
  defaultSamplingTemperature,
  firstStop,
  majorityFallbackNote,
  requireSomething,
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

const bestOfNOptions = z.strictObject({
  n: checkedByFactory,
  scorer: outcomeScorerOption,
  temperature: temperatureOption,
} satisfies Record<keyof BestOfNOptions, unknown>);

/**
 * A note when the scorer's verdicts could not tell two or more scored candidates apart (every score the
 * same, as when an LLM judge gave no usable verdict and each scored 0): the first was returned, no better
 * than any other. `undefined` when the scores chose.
 */
function undecidedNote(name: string, candidates: readonly Candidate[], scorer: string): string | undefined {
  const scores = candidates
    .map((candidate) => candidate.scores.findLast((score) => score.scorer === scorer))
    .filter((score) => score !== undefined);
  const first = scores[0];
  if (first === undefined || scores.length < 2 || scores.some((score) => score.value !== first.value)) {
    return undefined;
  }
  const noVerdict = scores.filter((score) => score.detail?.startsWith("no verdict") === true).length;
  const why = noVerdict > 0 ? `; ${noVerdict} of ${scores.length} replies held no usable verdict` : "";
  return `${name}: the scorer gave all ${scores.length} scored candidates the same score (${first.value})${why}; the first was returned, chosen by no verdict`;
}

/**
 * Best-of-N: sample `n` solutions, score each with an outcome verifier, return the highest-scored one
 * with an answer (the first on ties). If the budget cuts scoring short, or an LLM judge's backend refuses
 * some of its calls (a judge prompt over the model's context), only scored candidates compete; if none was
 * scored, it falls back to a majority vote. Either that fallback, or scores that do not tell the
 * candidates apart (all equal: a judge without usable verdicts), its `selectionNote` says, which
 * `runStrategy` records (and a wrapper such as `asc(bon@8)` once, over every round).
 *
 * @throws ConfigError for an unknown option, `n` not an integer ≥ 1, a missing or malformed `scorer`
 * (`bestOfN: scorer must be an outcome scorer (an object with a score method), got undefined`) or a
 * `temperature` below 0.
 * @example
 * const result = await solve({ problem, strategy: bestOfN({ n: 8, scorer: checker }), backend });
 */
export function bestOfN(options: BestOfNOptions): SamplingStrategy {
  checkFactoryOptions(bestOfNOptions, options, "bestOfN");
  const { scorer } = options;
  const n = checkInteger("bestOfN", "n", options.n, { minimum: 1 });
  const name = `bon@${n}`;
  const select = argmaxOrMajority({ scorer: scorer.name });
  const unscoredNote = majorityFallbackNote(
    someScoredBy(scorer.name),
    majorityFallbackMessage(name, "no candidate was scored"),
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
    selectionNote: (candidates) => unscoredNote(candidates) ?? undecidedNote(name, candidates, scorer.name),
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
  choosesWholeSamples: true,
  drawsWholeSamples: true,
  summary:
    "best-of-N by an outcome scorer: the lab checker, an LLM judge, an HTTP reward model (vLLM `/pooling`, `/classify`)",
  needs: ["scorer"],
  replay: "recorded",
  create: ({ N }, { scorer }) => bestOfN({ n: N!, scorer }),
};
