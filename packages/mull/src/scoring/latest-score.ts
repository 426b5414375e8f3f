import type { Candidate } from "../spec/index.ts";

/**
 * The value of a candidate's most recent score (from the named scorer, when given), or `undefined`
 * when it has none. Ranking and score-weighted voting read scores through it.
 *
 * @example
 * const value = latestScore(candidate, "checker");
 */
export function latestScore(candidate: Candidate, scorer?: string): number | undefined {
  for (let index = candidate.scores.length - 1; index >= 0; index -= 1) {
    const score = candidate.scores[index]!;
    if (scorer === undefined || score.scorer === scorer) return score.value;
  }
  return undefined;
}
