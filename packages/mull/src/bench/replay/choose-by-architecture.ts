import { ConfigError } from "../../errors/index.ts";
import type { GradedProblem, GradedSample } from "./grade-replay.ts";
import type { RewardScale } from "./replay-dataset.ts";
import type { ReplayStrategy } from "./replay-strategy.ts";
import { rewardProbability } from "./reward-probability.ts";
import { weightedWinner } from "./weighted-winner.ts";

/** A sample's mean token log-probability, which `rank-lp@K` ranks by. */
function meanLogprob(problem: GradedProblem, sample: GradedSample, strategy: ReplayStrategy): number {
  if (
    sample.logprob === undefined ||
    sample.completionTokens === undefined ||
    sample.completionTokens === 0
  ) {
    throw new ConfigError(
      `${strategy.name} needs a logprob and a token count for every sample, but a sample of problem ${JSON.stringify(problem.id)} (${problem.location}) lacks one`,
      { field: "logprob" },
    );
  }
  return sample.logprob / sample.completionTokens;
}

/**
 * The sample an architecture answers with, as an index into `samples`, or `undefined` when the vote found
 * no answer: `verify@T` keeps the samples whose reward, as a probability (`rewardProbability`), is at least
 * T (all of them when none is), `rank@K` the K with the highest rewards and `rank-lp@K` with the highest
 * mean token log-probabilities (equal values keeping the drawn order), and the last layer votes (ties to
 * the answer that comes first in the pool, after a rank the better ranked, as in a live run) or takes
 * the first sample left.
 *
 * @throws ConfigError when a layer needs a reward, logprob or token count a sample lacks.
 */
export function chooseByArchitecture(
  problem: GradedProblem,
  samples: readonly GradedSample[],
  strategy: ReplayStrategy,
  rewardScale: RewardScale,
): number | undefined {
  let kept = samples.map((_, index) => index);
  for (const layer of strategy.layers?.slice(1) ?? []) {
    if (layer.kind === "verify") {
      const passed = kept.filter(
        (index) => rewardProbability(problem, samples[index]!, strategy, rewardScale) >= layer.threshold,
      );
      if (passed.length > 0) kept = passed;
    } else if (layer.kind === "rank") {
      const value = (index: number) =>
        layer.by === "logprob"
          ? meanLogprob(problem, samples[index]!, strategy)
          : rewardProbability(problem, samples[index]!, strategy, rewardScale);
      kept = kept
        .map((index, order) => ({ index, order, value: value(index) }))
        .sort((a, b) => b.value - a.value || a.order - b.order)
        .slice(0, layer.keep)
        .map((entry) => entry.index);
    } else if (layer.kind === "first") {
      return kept[0];
    }
  }
  // A majority vote over what is left, ties going to the answer that comes first in the pool.
  const winner = weightedWinner(
    kept.map((index) => samples[index]!),
    () => 1,
  );
  return winner === undefined ? undefined : kept[winner];
}
