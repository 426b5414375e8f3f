import { ConfigError } from "../errors/index.ts";
import { checkPositive } from "../runtime/index.ts";

/**
 * Normalised weights from scores through a softmax with a temperature: `w_i ∝ exp(s_i / temperature)`,
 * computed stably (the largest score is subtracted first). The weights are non-negative and sum to 1. A
 * low temperature concentrates the weight on the best scores; a high one flattens it towards uniform.
 * Scores of `-Infinity` get weight 0; when every score is `-Infinity` the weights are uniform.
 *
 * @throws ConfigError when the temperature is not a positive number, or a score is NaN or `+Infinity`.
 * @example
 * softmaxWeights([1, 0, 0], 1); // ≈ [0.576, 0.212, 0.212]
 */
export function softmaxWeights(scores: readonly number[], temperature = 1): number[] {
  checkPositive("softmaxWeights", "temperature", temperature);
  if (scores.length === 0) return [];
  for (const score of scores) {
    if (Number.isNaN(score) || score === Number.POSITIVE_INFINITY) {
      throw new ConfigError(`softmaxWeights: scores must be numbers below +Infinity, got ${score}`, {
        field: "scores",
      });
    }
  }
  const top = Math.max(...scores);
  if (top === Number.NEGATIVE_INFINITY) return scores.map(() => 1 / scores.length);
  const exponentials = scores.map((score) => Math.exp((score - top) / temperature));
  const total = exponentials.reduce((sum, value) => sum + value, 0);
  return exponentials.map((value) => value / total);
}
