// The file itself, not the folder's index: selection reads scores, so its index imports this folder.
import { softmaxWeights } from "../selection/softmax-weights.ts";

/** How far from 1 the sum of a vector may be for it to count as probabilities already. */
const sumTolerance = 1e-3;

/**
 * The class probabilities in a classifier's output vector: the values themselves when they already form a
 * probability distribution (each in [0, 1], summing to 1 within 0.001), otherwise their softmax (the
 * values are then read as logits).
 *
 * @example
 * classProbabilities([0.2, 0.8]); // [0.2, 0.8]
 * classProbabilities([0, 2]); // ≈ [0.119, 0.881]
 */
export function classProbabilities(values: readonly number[]): readonly number[] {
  const total = values.reduce((sum, value) => sum + value, 0);
  const isDistribution =
    values.every((value) => value >= 0 && value <= 1) && Math.abs(total - 1) < sumTolerance;
  return isDistribution ? values : softmaxWeights(values);
}
