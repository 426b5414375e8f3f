import { ConfigError } from "../errors/index.ts";
import { isAllocationSpec } from "../routing/index.ts";
import { standInStrategy } from "../strategies/index.ts";
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
 * came from: a spec in no catalog form, numbers out of their letter's range (`cascade@8t2`) or refused by
 * the strategy's factory (`esc@16w32`), an architecture with a layer it does not know, and a route whose
 * number of models the strategy refuses (`bild@0.5:a>b>c`). The strategy is built with stand-ins for what
 * it needs (`standInStrategy`), so the refusals are those the run would give once its models load. What
 * a spec needs (a scorer, a process reward model, models that load) is checked when the run is planned,
 * from the flags that give it.
 *
 * @throws UsageError naming `flag` and the spec, with the parser's message.
 * @example
 * checkStrategySpecs(["greedy", "scc@4"], "--strategies"); // throws: --strategies: unknown spec "scc@4"; …
 */
export function checkStrategySpecs(specs: readonly string[], flag: string): void {
  for (const spec of specs) {
    // An allocation over the batch is not a catalog entry; the plan checks it.
    if (isAllocationSpec(spec)) continue;
    try {
      namingSpecFlag(flag, () => standInStrategy(spec));
    } catch (error) {
      // Refusals of the spec itself name the flag; what it needs comes later, from its own flag.
      if (error instanceof UsageError) throw error;
    }
  }
}
