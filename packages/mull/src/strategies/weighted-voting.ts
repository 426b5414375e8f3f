import { z } from "zod";
import { ConfigError } from "../errors/index.ts";
import { sampleCandidates } from "../generation/index.ts";
import { checkInteger, checkOneOf, requireCapability } from "../runtime/index.ts";
import { scoreCandidates } from "../scoring/index.ts";
import {
  type CandidateWeight,
  majorityVote,
  probabilityWeight,
  scoreWeight,
  weightedVote,
} from "../selection/index.ts";
import type { Candidate, OutcomeScorer, SamplingStrategy, Selector } from "../spec/index.ts";
import { checkFactoryOptions } from "./factory-options.ts";
import { checkedByFactory, outcomeScorerOption, temperatureOption } from "./option-schemas.ts";
import { defaultSamplingTemperature, firstStop, requireSomething } from "./run-helpers.ts";
import type { StrategyEntry } from "./strategy-entry.ts";
import { undecidedWeights, undecidedWeightsNote } from "./undecided-weights.ts";

/** Options of `weightedVoting`. */
export interface WeightedVotingOptions {
  /** Samples to vote over. */
  readonly n: number;
  /**
   * What a vote weighs: `score` (the scorer's score: weighted voting by an outcome verifier),
   * `probability` (the sequence probability, exp Σ log p) or `mean-probability` (exp mean log p).
   */
  readonly weight: "score" | "probability" | "mean-probability";
  /** The outcome scorer, for `weight: "score"`. */
  readonly scorer?: OutcomeScorer | undefined;
  /** Sampling temperature; default the run's, else 0.7. */
  readonly temperature?: number | undefined;
}

const weightedVotingOptions = z.strictObject({
  n: checkedByFactory,
  weight: checkedByFactory,
  scorer: outcomeScorerOption.optional(),
  temperature: temperatureOption,
} satisfies Record<keyof WeightedVotingOptions, unknown>);

const names = { score: "wv", probability: "wv-prob", "mean-probability": "wv-mean-prob" } as const;

/**
 * Weighted voting: sample `n` solutions and sum a weight per answer — the outcome scorer's score, or the
 * model's own probability of each path — and return the answer with the largest total. Probability
 * weights need a backend with log-probabilities (`CapabilityError` otherwise). If scoring is cut short,
 * unscored candidates do not vote. When the weights cannot choose — no candidate could be weighed, or
 * every weight is 0 (probability 0), as when an LLM judge gave no usable verdict — it falls back to a
 * plain majority vote, and its `selectionNote` says so (`runStrategy` records it).
 *
 * @throws ConfigError for an unknown option, `n` not an integer ≥ 1, an unknown `weight`, `weight: "score"`
 * without a scorer, a malformed `scorer` or a `temperature` below 0.
 * @example
 * const result = await solve({ problem, strategy: weightedVoting({ n: 8, weight: "score", scorer: rewardModel }), backend });
 */
export function weightedVoting(options: WeightedVotingOptions): SamplingStrategy {
  checkFactoryOptions(weightedVotingOptions, options, "weightedVoting");
  const { scorer } = options;
  const n = checkInteger("weightedVoting", "n", options.n, { minimum: 1 });
  const weighBy = checkOneOf("weightedVoting", "weight", options.weight, [
    "score",
    "probability",
    "mean-probability",
  ]);
  if (weighBy === "score" && scorer === undefined) {
    throw new ConfigError('weightedVoting: weight "score" needs a scorer (pass scorer: an OutcomeScorer)', {
      field: "scorer",
    });
  }
  const name = `${names[weighBy]}@${n}`;
  const byProbability = weighBy !== "score";
  const weight: CandidateWeight = byProbability
    ? probabilityWeight({ normalize: weighBy === "probability" ? "sum" : "mean" })
    : scoreWeight({ scorer: scorer!.name });
  const undecided = (candidates: readonly Candidate[]) =>
    undecidedWeights(candidates, weight, byProbability ? undefined : scorer!.name);
  const vote = weightedVote({ weight });
  const majority = majorityVote();
  // When the weights cannot choose, the samples still vote; `selectionNote` says so.
  const select: Selector = (candidates, context) =>
    undecided(candidates) === undefined ? vote(candidates, context) : majority(candidates, context);
  const selectionNote = (candidates: readonly Candidate[]): string | undefined => {
    const why = undecided(candidates);
    return why === undefined ? undefined : undecidedWeightsNote(name, why, weight.scale);
  };
  return {
    name,
    parameters: {
      n,
      weight: weighBy,
      ...(scorer === undefined || byProbability ? {} : { scorer: scorer.name }),
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
    },
    samples: n,
    select,
    selectionNote,
    withSamples: (samples) => weightedVoting({ ...options, n: samples }),
    async run(problem, context) {
      if (byProbability) {
        await requireCapability(context.backend, "logprobs", name, { signal: context.signal });
      }
      const temperature = options.temperature ?? context.sampling.temperature ?? defaultSamplingTemperature;
      const sample = await sampleCandidates({
        problem,
        n,
        context,
        sampling: { temperature },
        logprobs: byProbability,
      });
      requireSomething(sample.candidates.length, sample.stoppedBy);
      const scoring = byProbability
        ? undefined
        : await scoreCandidates({ problem, candidates: sample.candidates, scorer: scorer!, context });
      const candidates = scoring?.candidates ?? sample.candidates;
      const result = select(candidates, context);
      return {
        answer: result.answer,
        best: result.best,
        candidates,
        votes: result.tally,
        stoppedBy: firstStop(sample.stoppedBy, scoring?.stoppedBy ?? "complete"),
      };
    },
  };
}

/** `wv@N` in the strategy catalog. */
export const weightedVotingEntry: StrategyEntry = {
  forms: ["wv@N"],
  kind: "sampling",
  choosesWholeSamples: true,
  drawsWholeSamples: true,
  summary: "weighted vote over N samples by outcome score",
  needs: ["scorer"],
  replay: "recorded",
  create: ({ N }, { scorer }) => weightedVoting({ n: N!, weight: "score", scorer }),
};

/** `wv-prob@N` in the strategy catalog. */
export const probabilityVotingEntry: StrategyEntry = {
  forms: ["wv-prob@N"],
  kind: "sampling",
  choosesWholeSamples: true,
  drawsWholeSamples: true,
  summary: "weighted vote over N samples by sequence probability",
  needs: ["logprobs"],
  replay: "recorded",
  create: ({ N }) => weightedVoting({ n: N!, weight: "probability" }),
};

/** `wv-mean-prob@N` in the strategy catalog. */
export const meanProbabilityVotingEntry: StrategyEntry = {
  forms: ["wv-mean-prob@N"],
  kind: "sampling",
  choosesWholeSamples: true,
  drawsWholeSamples: true,
  summary: "weighted vote over N samples by mean token probability",
  needs: ["logprobs"],
  replay: {
    liveOnly: "wv-mean-prob@N has no replay kind; wv-prob@<k> votes by the recorded sequence probabilities",
  },
  create: ({ N }) => weightedVoting({ n: N!, weight: "mean-probability" }),
};
