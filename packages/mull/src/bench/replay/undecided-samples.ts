import type { CandidateWeight } from "../../selection/index.ts";
import type { Candidate } from "../../spec/index.ts";
import { undecidedWeights } from "../../strategies/index.ts";
import type { GradedSample } from "./grade-replay.ts";

/**
 * Whether weights leave a weighted vote over recorded samples nothing to choose by, by the rule a live
 * weighted vote (`wv@N`) falls back to a majority vote on (`undecidedWeights`): some sample has an answer,
 * and none with an answer weighs more than 0 (or none can be weighed at all, `weight` giving `undefined`
 * or NaN). A weighted vote would then return the first answer by order alone.
 *
 * @example
 * samplesUndecided(samples, (sample) => sample.reward); // true when every answered reward is 0
 */
export function samplesUndecided(
  samples: readonly GradedSample[],
  weight: (sample: GradedSample) => number | undefined,
): boolean {
  const candidates = samples.map(
    (sample, index): Candidate => ({
      id: String(index),
      text: sample.text ?? "",
      answer: sample.key,
      finishReason: "stop",
      completionTokens: sample.completionTokens,
      scores: [],
    }),
  );
  const byIndex: CandidateWeight = {
    name: "replay",
    scale: "linear",
    of: (candidate) => weight(samples[Number(candidate.id)]!),
  };
  return undecidedWeights(candidates, byIndex) !== undefined;
}
