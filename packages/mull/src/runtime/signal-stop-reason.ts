/**
 * The stop reason of work cut by an aborted signal, told from the signal's reason alone (for a caller that
 * holds no budget): `time` for a `TimeoutError` (a run's deadline aborts its signal with one), else `abort`.
 *
 * @example
 * signalStopReason(AbortSignal.abort()); // "abort"
 */
export function signalStopReason(signal: AbortSignal): "time" | "abort" {
  const reason: unknown = signal.reason;
  return reason instanceof Error && reason.name === "TimeoutError" ? "time" : "abort";
}
