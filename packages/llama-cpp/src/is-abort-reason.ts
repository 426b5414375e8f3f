/** Whether `error` is how an abort of `signal` surfaced (its reason, or an `AbortError`), to rethrow as is. */
export function isAbortReason(error: unknown, signal: AbortSignal | undefined): boolean {
  return (
    signal?.aborted === true &&
    (error === signal.reason || (error as Error | undefined)?.name === "AbortError")
  );
}
