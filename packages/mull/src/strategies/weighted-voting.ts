import { addUsage } from "../budget/index.ts";
import { ConfigError } from "../errors/index.ts";
import { sampleCandidates } from "../generation/index.ts";
import { scoreCandidates } from "../scoring/index.ts";
import {
  type CandidateWeight,
  majorityVote,
  probabilityWeight,
  scoreWeight,
  type VoteResult,
  weightedVote,
} from "../selection/index.ts";
import type { OutcomeScorer, StopReason, Strategy } from "../spec/index.ts";
import {
  checkSampleCount,
  defaultSamplingTemperature,
  firstStop,
  isCut,
  requireLogprobs,
  requireSomething,
} from "./run-helpers.ts";

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

const names = { score: "wv", probability: "wv-prob", "mean-probability": "wv-mean-prob" } as const;

/**
 * Weighted voting: sample `n` solutions and sum a weight per answer — the outcome scorer's score, or the
 * model's own probability of each path — and return the answer with the largest total. Probability
 * weights need a backend with log-probabilities (`CapabilityError` otherwise). If scoring is cut short,
 * unscored candidates do not vote; if none was scored, it falls back to a plain majority vote.
 *
 * @example
 * const result = await solve({ problem, strategy: weightedVoting({ n: 8, weight: "score", scorer: rewardModel }), backend });
 */
export function weightedVoting(options: WeightedVotingOptions): Strategy {
  const { n, scorer } = options;
  checkSampleCount("weightedVoting", n);
  if (!(options.weight in names)) {
    throw new ConfigError(
      `weightedVoting: weight must be "score", "probability" or "mean-probability", got ${JSON.stringify(options.weight)}`,
      { field: "weight" },
    );
  }
  if (options.weight === "score" && scorer === undefined) {
    throw new ConfigError('weightedVoting: weight "score" needs a scorer (pass scorer: an OutcomeScorer)', {
      field: "scorer",
    });
  }
  const name = `${names[options.weight]}@${n}`;
  const weight: CandidateWeight =
    options.weight === "score"
      ? scoreWeight({ scorer: scorer!.name })
      : probabilityWeight({ normalize: options.weight === "probability" ? "sum" : "mean" });
  const vote = weightedVote({ weight });
  const fallback = majorityVote();
  return {
    name,
    parameters: {
      n,
      weight: options.weight,
      ...(scorer === undefined || options.weight !== "score" ? {} : { scorer: scorer.name }),
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
    },
    async run(problem, context) {
      const byProbability = options.weight !== "score";
      if (byProbability) await requireLogprobs(context, name);
      const temperature = options.temperature ?? context.sampling.temperature ?? defaultSamplingTemperature;
      const sample = await sampleCandidates({
        problem,
        n,
        context,
        sampling: { temperature },
        logprobs: byProbability,
      });
      requireSomething(sample.candidates.length, sample.stoppedBy);
      let candidates = sample.candidates;
      let usage = sample.usage;
      let scoreCalls = 0;
      let scoringStop: StopReason = "complete";
      if (!byProbability) {
        const scoring = await scoreCandidates({ problem, candidates, scorer: scorer!, context });
        candidates = scoring.candidates;
        usage = addUsage(usage, { ...scoring.usage, calls: 0 });
        scoreCalls = scoring.calls;
        scoringStop = scoring.stoppedBy;
      }
      let result: VoteResult = vote(candidates, context);
      if (result.best === undefined && candidates.some((candidate) => candidate.answer !== undefined)) {
        context.tracer.record({
          type: "note",
          parentId: context.parentId,
          message: `${name}: no candidate could be weighed; falling back to a majority vote`,
        });
        result = fallback(candidates, context);
      }
      const stoppedBy = firstStop(sample.stoppedBy, scoringStop);
      return {
        answer: result.answer,
        best: result.best,
        candidates,
        votes: result.tally,
        stoppedBy,
        partial: isCut(stoppedBy),
        usage,
        scoreCalls,
      };
    },
  };
}
