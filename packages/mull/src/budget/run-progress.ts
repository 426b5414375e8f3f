import type { BudgetSpent, Candidate } from "../spec/index.ts";

/** What stop conditions see of a run between its steps. */
export interface RunProgress {
  /** What the run has spent so far. */
  readonly spent: BudgetSpent;
  /** Every candidate so far, in order. */
  readonly candidates: readonly Candidate[];
  /** Votes per answer key so far (candidates without an answer do not vote). */
  readonly votes: Readonly<Record<string, number>>;
  /** The answer key of each candidate, in the same order (`undefined` for a candidate without an answer). */
  readonly keys: readonly (string | undefined)[];
}
