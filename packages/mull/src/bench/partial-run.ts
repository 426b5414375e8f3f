import type { RunCompleteness, StrategyCompleteness } from "./run-completeness.ts";

/**
 * A stored run read before all its (problem, strategy) pairs were recorded (its bench still running, or
 * stopped part-way), as the `partial` field of `mull report --json` and `mull replay --json` states it.
 */
export interface PartialRun {
  /** Pairs with a result. */
  readonly recorded: number;
  /** Pairs the run planned: its problems times its strategies. */
  readonly planned: number;
  /** Problems the run planned. */
  readonly problems: number;
  /** Each of the run's strategies with its recorded pairs, of `problems`. */
  readonly strategies: readonly StrategyCompleteness[];
  /** What the command said on standard error: "The run is partial: 20 of 60 pairs are recorded (…). …". */
  readonly statement: string;
}

/**
 * A run's completeness as a `PartialRun` with the sentence that states it, or `undefined` for a complete
 * run: a complete run carries no `partial` field.
 *
 * @example
 * const completeness = runCompleteness(run);
 * const partial = partialRunOf(completeness, describeIncompleteRun(completeness, run.manifest));
 * // { recorded: 20, planned: 60, problems: 30, strategies: [{ strategy: "greedy", recorded: 10 }, …], statement: "The run is partial: …" }
 */
export function partialRunOf(completeness: RunCompleteness, statement: string): PartialRun | undefined {
  if (completeness.complete) return undefined;
  return {
    recorded: completeness.recorded,
    planned: completeness.total,
    problems: completeness.problems,
    strategies: completeness.strategies,
    statement,
  };
}
