/**
 * DeepConf's confidence threshold (Fu et al., "Deep Think with Confidence"): the confidence of the least
 * confident of the `keepPercent`% most confident values — round(η% of them), at least one — so that the
 * values at or above it are those kept. At 100 it is the lowest value; at 10 (DeepConf-low) the value
 * with a tenth of the values at or above it. `undefined` for no values; NaN values are ignored.
 *
 * @example
 * confidenceThreshold([3, 1, 2, 5, 4], 60); // → 3: keeps 5, 4 and 3
 */
export function confidenceThreshold(values: readonly number[], keepPercent: number): number | undefined {
  const ranked = values.filter((value) => !Number.isNaN(value)).sort((left, right) => right - left);
  if (ranked.length === 0) return undefined;
  const keep = Math.max(1, Math.round((ranked.length * keepPercent) / 100));
  return ranked[Math.min(keep, ranked.length) - 1];
}
