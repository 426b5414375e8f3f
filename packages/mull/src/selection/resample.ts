import { ConfigError } from "../errors/index.ts";
import { checkInteger, checkOneOf } from "../runtime/index.ts";
import type { Rng } from "../spec/index.ts";

/**
 * How particles are resampled:
 * - `multinomial`: `count` independent draws from the weights (the textbook scheme; Puri et al. 2025);
 * - `systematic`: one uniform offset and `count` evenly spaced points through the cumulative weights —
 *   the same expected counts with less variance (each index gets ⌊count·w⌋ or ⌈count·w⌉ copies).
 */
export type ResamplingMethod = "multinomial" | "systematic";

const methods: readonly ResamplingMethod[] = ["multinomial", "systematic"];

/** The weights' sum; the weights are data rather than an option, so they keep a check of their own. */
function sumOfWeights(weights: readonly number[], count: number): number {
  let total = 0;
  for (const weight of weights) {
    if (!(weight >= 0) || !Number.isFinite(weight)) {
      throw new ConfigError(`resample: weights must be finite and ≥ 0, got ${weight}`, { field: "weights" });
    }
    total += weight;
  }
  if (count > 0 && !(total > 0)) {
    throw new ConfigError("resample: at least one weight must be positive", { field: "weights" });
  }
  return total;
}

/** The index whose cumulative-weight interval holds `point` (a binary search over the running sums). */
function indexAt(cumulative: readonly number[], point: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (point < cumulative[middle]!) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * Draws `count` indices into `weights` (which need not sum to 1; they are normalised), with repetition, so
 * that index `i` is expected `count · w_i / Σw` times. Randomness comes only from `rng`. Returns the indices
 * in ascending order, so the same draw gives the same particle order.
 *
 * @throws ConfigError for a negative, NaN or infinite weight, all-zero weights, a bad count or method.
 * @example
 * const indices = resample([0.5, 0.25, 0.25], 4, rng, "systematic"); // e.g. [0, 0, 1, 2]
 */
export function resample(
  weights: readonly number[],
  count: number,
  rng: Rng,
  method: ResamplingMethod = "multinomial",
): number[] {
  checkInteger("resample", "count", count, { minimum: 0 });
  const total = sumOfWeights(weights, count);
  checkOneOf("resample", "method", method, methods);
  if (count === 0) return [];
  const cumulative: number[] = [];
  let running = 0;
  for (const weight of weights) {
    running += weight / total;
    cumulative.push(running);
  }
  // Rounding may leave the last sum a hair under 1: no point may fall past it.
  const lastPositive = weights.findLastIndex((weight) => weight > 0);
  for (let index = lastPositive; index < cumulative.length; index += 1) cumulative[index] = 1;
  const indices: number[] = [];
  if (method === "systematic") {
    const offset = rng.next();
    for (let position = 0; position < count; position += 1) {
      indices.push(indexAt(cumulative, (position + offset) / count));
    }
    return indices;
  }
  for (let position = 0; position < count; position += 1) indices.push(indexAt(cumulative, rng.next()));
  return indices.sort((a, b) => a - b);
}
