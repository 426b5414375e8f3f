import { findCause, MullError } from "../../errors/index.ts";

const marker = Symbol.for("mull.error.state-store-unavailable");

/**
 * The shared serving state (`mull serve --state redis://…`) could not be reached or did not answer in
 * time. Requests that needed it are refused with 503 `state_store_unavailable`: the server never falls
 * back to per-replica memory, which would silently multiply every budget by the number of replicas.
 */
export class StateStoreUnavailableError extends MullError {
  protected readonly [marker] = true;
  /** The store's address without credentials, e.g. `redis://10.0.0.5:6379/0`. */
  readonly location: string;

  constructor(location: string, options?: { cause?: unknown }) {
    const cause = options?.cause instanceof Error ? `: ${options.cause.message}` : "";
    super(`the shared serving state store at ${location} is unreachable${cause}`, options);
    this.name = "StateStoreUnavailableError";
    this.location = location;
  }

  static override isInstance(error: unknown): error is StateStoreUnavailableError {
    return typeof error === "object" && error !== null && marker in error;
  }

  /** The first `StateStoreUnavailableError` in an error's chain of causes, if any. */
  static inChain(error: unknown): StateStoreUnavailableError | undefined {
    return findCause(error, StateStoreUnavailableError.isInstance);
  }
}
