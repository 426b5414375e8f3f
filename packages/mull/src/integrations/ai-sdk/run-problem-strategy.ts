import type { Problem, Strategy, StrategyContext } from "../../spec/index.ts";

/**
 * `inner`, run on the problem `problemOf` gives once the run has started rather than on the one it is
 * given: what decides the problem (a backend's capability probe, say) is then asked inside the run, under
 * `solve`'s span, and is cut by the run's signal (the caller's abort, the time limit). Everything else is
 * `inner`'s own (its name, parameters, sample count, worst cases, selection note), read through to it.
 *
 * @example
 * const strategy = withRunProblem(selfConsistency({ n: 8 }), async (context) =>
 *   (await backend.capabilities({ signal: context.signal })).chat ? chatProblem : { question },
 * );
 * await solve({ problem: chatProblem, strategy, backend });
 */
export function withRunProblem(
  inner: Strategy,
  problemOf: (given: Problem, context: StrategyContext) => Promise<Problem>,
): Strategy {
  const run: Strategy["run"] = async (given, context) => inner.run(await problemOf(given, context), context);
  // Inherits every field of `inner`, those of strategies to come too; only `run` is its own (defined, not
  // assigned, so that a frozen `inner` does not refuse it).
  return Object.create(inner, { run: { value: run, enumerable: true } }) as Strategy;
}
