import { findCause, MullError } from "../../errors/index.ts";

const marker = Symbol.for("mull.error.circuit-open");

/**
 * An upstream call was not made because the upstream's circuit is open. It reaches the backend as the
 * `cause` of a non-retryable `BackendCallError`, so a retry chain stops at once instead of calling an
 * upstream known to be down.
 */
export class CircuitOpenError extends MullError {
  protected readonly [marker] = true;
  /** The upstream's configured name. */
  readonly upstream: string;
  /** Milliseconds until the circuit lets a trial request through. */
  readonly retryAfterMilliseconds: number;

  constructor(upstream: string, retryAfterMilliseconds: number) {
    super(
      `upstream "${upstream}" is unavailable: its circuit is open after repeated failures; a trial request goes in ${Math.ceil(retryAfterMilliseconds / 1000)} s`,
    );
    this.name = "CircuitOpenError";
    this.upstream = upstream;
    this.retryAfterMilliseconds = retryAfterMilliseconds;
  }

  static override isInstance(error: unknown): error is CircuitOpenError {
    return typeof error === "object" && error !== null && marker in error;
  }

  /** The first `CircuitOpenError` in an error's chain of causes, if any. */
  static inChain(error: unknown): CircuitOpenError | undefined {
    return findCause(error, CircuitOpenError.isInstance);
  }
}
