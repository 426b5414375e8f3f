import { sampleCandidates } from "../generation/index.ts";
import type {
  Problem,
  Score,
  Selector,
  StrategyContext,
  StrategyOutcome,
  TokenLogprob,
} from "../spec/index.ts";
import { defaultSamplingTemperature, requireSomething } from "./run-helpers.ts";

/**
 * The plan of the simplest sampling strategies: `n` samples at `temperature` (else the run's, else 0.7),
 * then `select` over them, with per-token log-probabilities when `logprobs` is set and the top
 * `topLogprobs` alternatives when that is (the caller checks the capabilities first), each candidate
 * scored from its tokens by `scoreTokens` when given. When the budget cuts sampling short it selects over
 * what it has.
 */
export async function sampleAndSelect(
  problem: Problem,
  context: StrategyContext,
  plan: {
    readonly n: number;
    readonly temperature: number | undefined;
    readonly select: Selector;
    readonly logprobs?: boolean | undefined;
    readonly topLogprobs?: number | undefined;
    readonly scoreTokens?: ((tokens: readonly TokenLogprob[]) => Score | undefined) | undefined;
  },
): Promise<StrategyOutcome> {
  const temperature = plan.temperature ?? context.sampling.temperature ?? defaultSamplingTemperature;
  const sample = await sampleCandidates({
    problem,
    n: plan.n,
    context,
    sampling: { temperature },
    logprobs: plan.logprobs,
    topLogprobs: plan.topLogprobs,
    scoreTokens: plan.scoreTokens,
  });
  requireSomething(sample.candidates.length, sample.stoppedBy);
  const result = plan.select(sample.candidates, context);
  return {
    answer: result.answer,
    best: result.best,
    candidates: sample.candidates,
    votes: result.tally,
    stoppedBy: sample.stoppedBy,
  };
}
