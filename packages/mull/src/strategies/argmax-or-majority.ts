import { latestScore } from "../scoring/index.ts";
import { argmaxByScore } from "../selection/index.ts";
import type { Candidate, Selector } from "../spec/index.ts";
import { withMajorityFallback } from "./run-helpers.ts";

/** Options of `argmaxOrMajority`. */
export interface ArgmaxOrMajorityOptions {
  /** Rank by this scorer's latest score. */
  readonly scorer: string;
  /**
   * The trace note recorded when no candidate was scored, saying whose selection fell back and why; left
   * out by a strategy, which says it through its `selectionNote` (`someScoredBy`, `majorityFallbackNote`).
   */
  readonly note?: string | undefined;
}

/**
 * Whether any of the candidates was scored by `scorer`: when none was, `argmaxOrMajority` falls back to a
 * majority vote.
 *
 * @example
 * const selectionNote = majorityFallbackNote(someScoredBy(checker.name), majorityFallbackMessage("bon@4", "no candidate was scored"));
 */
export function someScoredBy(scorer: string): (candidates: readonly Candidate[]) => boolean {
  return (candidates) => candidates.some((candidate) => latestScore(candidate, scorer) !== undefined);
}

/**
 * The selection by score when a limit may have cut the scoring short, one rule for every strategy that
 * picks by an outcome score (`bon@N`, and the final pick of the step-level searches): the highest-scored
 * candidate with an answer among those the scorer scored (`argmaxByScore`); unscored candidates do not
 * compete while any was scored. When none was scored (the budget stopped scoring before the first), the
 * samples still vote: a majority vote over all of them, with `note` in the trace when one is given.
 *
 * @example
 * const select = argmaxOrMajority({ scorer: checker.name, note: majorityFallbackMessage("bon@4", "no candidate was scored") });
 * const { answer } = select(candidates, context);
 */
export function argmaxOrMajority(options: ArgmaxOrMajorityOptions): Selector {
  const { scorer, note } = options;
  return withMajorityFallback(argmaxByScore({ scorer }), someScoredBy(scorer), note);
}
