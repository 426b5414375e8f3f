import type { CircuitAdmission, CircuitState, CircuitVerdict } from "./circuit-breaker.ts";

/**
 * The circuit breaker of one upstream as the server uses it, whether it lives in this process
 * (`createCircuitBreaker`, whose answers come at once) or in a store shared by every replica (answers
 * come as promises): callers always `await`. Every method may reject when a shared store is unreachable;
 * the server then refuses the request instead of calling the upstream unguarded.
 */
export interface UpstreamCircuit {
  /** The state now (an open circuit whose cooldown is over reads as `half-open`). */
  state(): CircuitState | Promise<CircuitState>;
  /** Asks to send one request to the upstream (see `CircuitBreaker.tryAcquire`). */
  tryAcquire(): CircuitAdmission | Promise<CircuitAdmission>;
  /** Whether one HTTP call may go out now: false only while the circuit is open and cooling down. */
  allowsCall(): boolean | Promise<boolean>;
  /** Milliseconds until a trial request may go: 0 when one may go now. */
  retryAfterMilliseconds(): number | Promise<number>;
  /** Records how one HTTP call to the upstream went. */
  record(verdict: CircuitVerdict): void | Promise<void>;
}

/** What a circuit is made from: the upstream's `circuitBreaker` settings and how long a trial may hold its slot. */
export interface CircuitSettings {
  /** Consecutive failed calls that open the circuit. */
  readonly failureThreshold: number;
  /** How long the circuit stays open before it lets one trial request through. */
  readonly cooldownMilliseconds: number;
  /**
   * How long a trial request holds the half-open circuit's one slot before another may take it (a shared
   * circuit cannot wait forever for a replica that died mid-trial); the upstream's request timeout.
   */
  readonly trialLeaseMilliseconds: number;
}

/** Makes the circuit of one upstream, by the upstream's configured name. */
export type CircuitFactory = (upstream: string, settings: CircuitSettings) => UpstreamCircuit;
