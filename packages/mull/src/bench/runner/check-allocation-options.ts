import { ConfigError } from "../../errors/index.ts";
import { refuseLargestFirst } from "../../routing/index.ts";
import type { RunBenchOptions } from "./run-bench-options.ts";
import type { AllocationStrategy } from "./strategy-sweep.ts";

/**
 * Refuses what an allocation entry cannot run with, before any pair of the run starts: a per-pair time
 * limit (its problems' runs interleave over the batch), a route without a way to load its models, and a
 * route whose probe model is known to be larger than the model after it (`refuseLargestFirst`).
 *
 * @throws ConfigError naming the field; for a route out of order, field `strategy` naming the spec
 * (`strategy: "alloc@4p2:large>small": route large>small puts …`), as `parseStrategySpec` refuses a spec.
 * @example
 * checkAllocationOptions(strategy, options);
 */
export function checkAllocationOptions(strategy: AllocationStrategy, options: RunBenchOptions): void {
  const limit = options.budget?.maxMilliseconds;
  if (limit !== undefined) {
    throw new ConfigError(
      `${strategy.name} runs its problems interleaved over the batch, so a per-pair time limit (maxMilliseconds ${limit}) cannot apply to one problem; leave it out or run ${strategy.name} apart`,
      { field: "budget.maxMilliseconds" },
    );
  }
  const route = strategy.allocation.route;
  if (route !== undefined && options.resolveModel === undefined) {
    throw new ConfigError(
      `${strategy.name} names the models ${route.join(">")}, but the run cannot load models (resolveModel)`,
      { field: "resolveModel" },
    );
  }
  // The probes come from the first model, the extra samples from the second: a larger probe model runs backwards.
  const { resolveModel } = options;
  if (route !== undefined && resolveModel !== undefined) {
    try {
      refuseLargestFirst(
        "allocation",
        route.map((name) => ({ name, backend: resolveModel(name) })),
      );
    } catch (error) {
      if (!ConfigError.isInstance(error)) throw error;
      // The route is written in the spec: refused as a spec is, so that a surface names the flag it came from.
      throw new ConfigError(
        `strategy: ${JSON.stringify(strategy.name)}: ${error.message.replace(/^allocation: /, "")}`,
        { field: "strategy", cause: error },
      );
    }
  }
}
