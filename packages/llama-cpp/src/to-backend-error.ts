import { BackendCallError, DisposedError, MullError } from "mull/errors";
import { DisposedError as NativeDisposedError } from "node-llama-cpp";

/**
 * Maps an error from node-llama-cpp to mull's: mull's own pass through, a disposed native object becomes a
 * `DisposedError`, anything else a non-retryable `BackendCallError` prefixed with `owner`.
 */
export function toBackendError(error: unknown, owner: string): unknown {
  if (MullError.isInstance(error)) return error;
  if (error instanceof NativeDisposedError) return new DisposedError(owner);
  const message = error instanceof Error ? error.message : String(error);
  return new BackendCallError(`${owner}: ${message}`, { cause: error, isRetryable: false });
}
