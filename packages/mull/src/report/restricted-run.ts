import type { RunData } from "../bench/index.ts";

/**
 * The run restricted to some of its problems: their results and samples only, so that a partial run's
 * strategies are compared on the problems all of them have.
 *
 * @example
 * const compared = restrictedRun(run, ["p1", "p2"]);
 */
export function restrictedRun(run: RunData, problemIds: readonly string[]): RunData {
  const kept = new Set(problemIds);
  return {
    ...run,
    problems: run.problems.filter((problem) => kept.has(problem.id)),
    results: run.results.filter((result) => kept.has(result.problemId)),
    samples: run.samples.filter((sample) => kept.has(sample.problemId)),
  };
}
