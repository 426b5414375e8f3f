import type { RunData } from "./run-data.ts";

/** How many of one strategy's pairs a run holds. */
export interface StrategyCompleteness {
  readonly strategy: string;
  /** Problems of the run with a result of this strategy. */
  readonly recorded: number;
}

/** How much of a run is recorded: a run may be read while its bench is running, or after an interrupt. */
export interface RunCompleteness {
  /** Problems of the run. */
  readonly problems: number;
  /** (problem, strategy) pairs of the run: its problems times its strategies. */
  readonly total: number;
  /** Pairs with a result. */
  readonly recorded: number;
  /** Whether every pair has a result. */
  readonly complete: boolean;
  /**
   * The run's strategies (the manifest's, then any other with results), each with its recorded pairs out
   * of the run's problems.
   */
  readonly strategies: readonly StrategyCompleteness[];
  /**
   * The problems (ids, in the run's order) with a result of every strategy that has any: the ones on
   * which strategies can be compared. All problems of a complete run; none when nothing is recorded.
   */
  readonly comparable: readonly string[];
}

/**
 * How complete a stored run is: pairs recorded of the total, per strategy, and the problems every
 * strategy with results has a result for, on which a report of a partial run compares them.
 *
 * @example
 * const completeness = runCompleteness(await loadRun("runs/gsm8k"));
 * if (!completeness.complete) console.error(`${completeness.recorded} of ${completeness.total} pairs`);
 */
export function runCompleteness(run: RunData): RunCompleteness {
  const problemIds = new Set(run.problems.map((problem) => problem.id));
  const solved = new Map<string, Set<string>>(
    run.manifest.strategies.map((strategy) => [strategy, new Set()]),
  );
  for (const result of run.results) {
    if (!problemIds.has(result.problemId)) continue;
    const problems = solved.get(result.strategy) ?? new Set<string>();
    problems.add(result.problemId);
    solved.set(result.strategy, problems);
  }
  const strategies = [...solved].map(([strategy, problems]) => ({ strategy, recorded: problems.size }));
  const recorded = strategies.reduce((sum, strategy) => sum + strategy.recorded, 0);
  const total = run.problems.length * strategies.length;
  const started = [...solved.values()].filter((problems) => problems.size > 0);
  const comparable =
    started.length === 0
      ? []
      : run.problems
          .map((problem) => problem.id)
          .filter((id) => started.every((problems) => problems.has(id)));
  return {
    problems: run.problems.length,
    total,
    recorded,
    complete: recorded === total,
    strategies,
    comparable,
  };
}
