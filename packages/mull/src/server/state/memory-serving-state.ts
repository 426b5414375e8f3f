import { systemClock } from "../../runtime/index.ts";
import type { Clock } from "../../spec/index.ts";
import { memoryKeyBudgetStore, memoryKeyRequestRateStore } from "../middleware/index.ts";
import { createCircuitBreaker } from "../upstreams/index.ts";
import type { ServingState } from "./serving-state.ts";

/** Options of `memoryServingState`. */
export interface MemoryServingStateOptions {
  /** Clock of the circuit breakers (default the process's monotonic clock); tests pass a manual one. */
  readonly clock?: Clock | undefined;
  /** Clock of the budgets' and request rates' one-minute windows, in milliseconds (default `Date.now`). */
  readonly now?: (() => number) | undefined;
}

/**
 * The serving state of one process: budgets, request rates and circuits in memory, exactly as a server without
 * `--state` has always kept them. Two replicas with it enforce two budgets and keep two circuits.
 *
 * @example
 * const state = memoryServingState();
 * const server = createServer({ config, models, state });
 */
export function memoryServingState(options: MemoryServingStateOptions = {}): ServingState {
  const clock = options.clock ?? systemClock();
  const now = options.now ?? Date.now;
  return {
    location: "memory",
    keyBudget: (tokensPerMinute) => memoryKeyBudgetStore(tokensPerMinute, now),
    keyRequestRate: (requestsPerMinute) => memoryKeyRequestRateStore(requestsPerMinute, now),
    circuit: (_upstream, settings) =>
      createCircuitBreaker({
        failureThreshold: settings.failureThreshold,
        cooldownMilliseconds: settings.cooldownMilliseconds,
        clock,
      }),
    close: async () => undefined,
  };
}
