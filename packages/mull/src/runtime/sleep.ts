/** Options of `sleep`. */
export interface SleepOptions {
  /**
   * Let the process exit while waiting (`timer.unref()`): for a wait that bounds something else, such as
   * a server's grace period, and should not by itself keep the process alive. Default false.
   */
  readonly unref?: boolean | undefined;
}

/**
 * Waits `milliseconds`, or rejects as soon as `signal` aborts (with its reason, or an `AbortError`).
 *
 * @example
 * await sleep(250, context.signal);
 * await Promise.race([server.idle(), sleep(1_000, undefined, { unref: true })]);
 */
export function sleep(
  milliseconds: number,
  signal?: AbortSignal | undefined,
  options: SleepOptions = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const reason = (): unknown =>
      signal?.reason ?? new DOMException("The operation was aborted.", "AbortError");
    if (signal?.aborted) {
      reject(reason());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(reason());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, milliseconds);
    if (options.unref === true) timer.unref();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
