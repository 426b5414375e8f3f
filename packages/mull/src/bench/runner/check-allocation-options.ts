import { ConfigError } from "../../errors/index.ts";
import type { RunBenchOptions } from "./run-bench-options.ts";
import type { AllocationStrategy } from "./strategy-sweep.ts";

/**
 * Refuses what an allocation entry cannot run with, before any pair of the run starts: a per-pair time
 * limit (its problems' runs interleave over the batch) and a route without a way to load its models.
 *
 * @throws ConfigError naming the field.
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
}
