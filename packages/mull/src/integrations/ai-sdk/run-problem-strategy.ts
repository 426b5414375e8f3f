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
  // Reads every field of `inner` on `inner` itself, those of strategies to come too, its methods bound to it
  // (a class's getters and private fields work as they do unwrapped); only `run` is the wrapper's own. The
  // proxy's own target is an empty object, so that a frozen `inner` binds none of the proxy's answers.
  const own = (key: string | symbol): PropertyDescriptor | undefined => {
    if (key === "run") return { value: run, writable: false, enumerable: true, configurable: true };
    const descriptor = Reflect.getOwnPropertyDescriptor(inner, key);
    return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
  };
  return new Proxy({} as Strategy, {
    get(_target, key) {
      if (key === "run") return run;
      const value: unknown = Reflect.get(inner, key, inner);
      return typeof value === "function" ? value.bind(inner) : value;
    },
    has: (_target, key) => key === "run" || Reflect.has(inner, key),
    ownKeys: () => [...new Set([...Reflect.ownKeys(inner), "run"])],
    getOwnPropertyDescriptor: (_target, key) => own(key),
  });
}
