import type { KeyBudgetStore, KeyRequestRateStore } from "../middleware/index.ts";
import type { CircuitFactory } from "../upstreams/index.ts";

/**
 * Where `mull serve` keeps the state that must be one across replicas behind a load balancer: per-key
 * token budgets and request rates, and each upstream's circuit breaker. In this process (`memoryServingState`, the default)
 * or in Redis (`connectRedisServingState`, `mull serve --state redis://…`), chosen when the server is
 * assembled. Requests in flight (`maxInFlight`) stay per process: they measure this replica's load.
 */
export interface ServingState {
  /** Where the state lives, for logs and errors: `memory`, or the store's address without credentials. */
  readonly location: string;
  /** The per-key token budgets, for a budget of `tokensPerMinute`. */
  keyBudget(tokensPerMinute: number): KeyBudgetStore;
  /** The per-key request counts, for a limit of `requestsPerMinute`. */
  keyRequestRate(requestsPerMinute: number): KeyRequestRateStore;
  /** Makes the circuit breaker of one upstream (the same name on every replica shares one circuit). */
  readonly circuit: CircuitFactory;
  /** Releases the store's connection; idempotent. */
  close(): Promise<void>;
}
