/**
 * Races a promise against a signal, without cancelling the promise's work: a caller stops waiting for
 * work it shares with others (a probe, a discovery), which goes on for them.
 *
 * @throws the signal's reason when `signal` aborts first.
 * @example
 * await untilAborted(sharedProbe, callSignal);
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
