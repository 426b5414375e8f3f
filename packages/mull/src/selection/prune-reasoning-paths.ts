/**
 * Reasoning Pruning (Zhou et al., RPC): which paths keep their vote, given each path's log-probability
 * (`true` = kept, in input order). The paths' probabilities are split into a low and a high cluster, and a
 * path is dropped when it sits in the low cluster and below the mean probability.
 *
 * The paper fits a two-component Weibull mixture to the probabilities by numerical maximum likelihood
 * and drops a path whose membership is likelier in the low-mean component and whose probability is below
 * the mean. The split here is the two-cluster threshold that maximises the between-cluster variance
 * (Otsu's rule): the same two-population reading of the probabilities, with no optimiser and no fitted
 * parameters to go wrong on a handful of samples. Only ratios of probabilities matter, so log-probabilities
 * far below the float range are handled. When every path is equally likely nothing is dropped; the high
 * cluster is never empty, so something always survives.
 *
 * @example
 * pruneReasoningPaths([-0.3, -0.4, -0.35, -2.5]); // [true, true, true, false]
 */
export function pruneReasoningPaths(logprobs: readonly number[]): boolean[] {
  if (logprobs.length < 2) return logprobs.map(() => true);
  const top = Math.max(...logprobs);
  // Relative to the most likely path, so exp does not underflow for long sequences.
  const probabilities = logprobs.map((logprob) => Math.exp(logprob - top));
  const threshold = lowClusterCeiling(probabilities);
  if (threshold === undefined) return logprobs.map(() => true);
  const mean = probabilities.reduce((sum, value) => sum + value, 0) / probabilities.length;
  return probabilities.map((probability) => probability > threshold || probability >= mean);
}

/** The largest value of the low cluster under Otsu's split, or `undefined` when all values are equal. */
function lowClusterCeiling(values: readonly number[]): number | undefined {
  const sorted = [...values].sort((a, b) => a - b);
  const count = sorted.length;
  const total = sorted.reduce((sum, value) => sum + value, 0);
  let lowSum = 0;
  let best: number | undefined;
  let bestSpread = 0;
  for (let size = 1; size < count; size += 1) {
    lowSum += sorted[size - 1]!;
    // Only between distinct values, so equal probabilities never fall on both sides.
    if (sorted[size - 1] === sorted[size]) continue;
    const lowMean = lowSum / size;
    const highMean = (total - lowSum) / (count - size);
    const spread = (size / count) * ((count - size) / count) * (highMean - lowMean) ** 2;
    if (spread > bestSpread) {
      bestSpread = spread;
      best = sorted[size - 1];
    }
  }
  return best;
}
