/**
 * The q-quantile of values sorted in ascending order, interpolating linearly between order statistics
 * (Hyndman and Fan's type 7, the default of R and NumPy). `NaN` for no values.
 */
export function quantileOfSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const low = sorted[below]!;
  const high = sorted[above]!;
  return low + (high - low) * (position - below);
}
