import type { GradedSample } from "./grade-replay.ts";

/**
 * Sums weights per answer key over samples in order; the winner has the largest total, ties going to the
 * key seen first. Returns the index of the winner's first sample, or `undefined` when no sample has a key.
 */
export function weightedWinner(
  samples: readonly GradedSample[],
  weight: (sample: GradedSample) => number,
): number | undefined {
  const totals = new Map<string, number>();
  const firstIndex = new Map<string, number>();
  for (const [index, sample] of samples.entries()) {
    if (sample.key === undefined) continue;
    totals.set(sample.key, (totals.get(sample.key) ?? 0) + weight(sample));
    if (!firstIndex.has(sample.key)) firstIndex.set(sample.key, index);
  }
  let winner: string | undefined;
  // Map iteration follows first appearance, so a strict `>` keeps the earliest of tied keys.
  for (const [key, total] of totals) if (winner === undefined || total > totals.get(winner)!) winner = key;
  return winner === undefined ? undefined : firstIndex.get(winner);
}
