/**
 * What stop conditions over traces read in parallel see after each probe round: every trace has
 * advanced by the same number of tokens, and each gives its current answer.
 */
export interface ProbeProgress {
  /**
   * Per round so far, oldest first, the current answer key of every trace in the same order: the
   * answer forced from it at that point (its latest probe) while it runs, its final answer once it has
   * finished; `undefined` when it has none (or was pruned).
   */
  readonly rounds: readonly (readonly (string | undefined)[])[];
}
