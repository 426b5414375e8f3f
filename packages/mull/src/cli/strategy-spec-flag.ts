import { ConfigError } from "../errors/index.ts";
import { isAllocationSpec } from "../routing/allocation-spec.ts";
import { findStrategyEntry, parseStrategySpec } from "../strategies/index.ts";
import { UsageError } from "./usage-error.ts";

/**
 * Runs `work`, turning a refused strategy spec (a ConfigError of field `strategy`, as `parseStrategySpec`
 * and the bench plan throw) into a UsageError naming the flag the specs came from:
 * `--strategies: unknown spec "scc@4"; expected one of …`. Other errors pass unchanged.
 *
 * @throws UsageError naming `flag`, for a refused spec.
 * @example
 * const plan = namingSpecFlag("--strategies", () => planBench(options));
 */
export function namingSpecFlag<Result>(flag: string, work: () => Result): Result {
  try {
    return work();
  } catch (error) {
    if (!ConfigError.isInstance(error) || error.field !== "strategy") throw error;
    throw new UsageError(`${flag}: ${error.message.replace(/^strategy: /, "")}`, flag, { cause: error });
  }
}

/**
 * Checks what can be checked of strategy specs before a dataset or a model loads, naming the flag they
 * came from: a spec in no catalog form, numbers out of range or refused by the strategy's factory
 * (`asc@16t2`), an architecture with a layer it does not know. What a spec needs (a scorer, a process
 * reward model, models to route between or named in a layer) is checked when the run is planned, so
 * specs that name models are left to that, and a missing scorer or PRM is not said here.
 *
 * @throws UsageError naming `flag` and the spec, with the parser's message.
 * @example
 * checkStrategySpecs(["greedy", "scc@4"], "--strategies"); // throws: --strategies: unknown spec "scc@4"; …
 */
export function checkStrategySpecs(specs: readonly string[], flag: string): void {
  for (const spec of specs) {
    // An allocation over the batch is not a catalog entry; the plan checks it.
    if (isAllocationSpec(spec)) continue;
    const match = namingSpecFlag(flag, () => findStrategyEntry(spec));
    // Models a spec routes between or names in a layer load later; its numbers were checked with its form.
    const models =
      match?.entry.needs.includes("models") === true || (match?.entry.namedModels?.length ?? 0) > 0;
    if (match?.values !== undefined && models) continue;
    try {
      namingSpecFlag(flag, () => parseStrategySpec(spec));
    } catch (error) {
      // Refusals of the spec itself name the flag; what it needs comes later, from its own flag.
      if (error instanceof UsageError) throw error;
    }
  }
}
