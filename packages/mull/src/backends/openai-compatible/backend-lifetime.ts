/**
 * A backend's lifetime: the signal its work runs under, which every call joins with its own, until the
 * backend ends (`dispose()`).
 */
export interface BackendLifetime {
  /** Aborts when the lifetime ends, with the reason given to `end`. */
  readonly signal: AbortSignal;
  /**
   * Runs `work` under a signal that aborts with `callSignal` (with its reason) or when the lifetime ends:
   * the lifetime's own signal where the call has none. A `callSignal` already aborted rejects with its
   * reason, and `work` is not run. Join only while the lifetime lasts (a backend refuses calls once
   * disposed): a call joined after `end` is not aborted by it.
   */
  join<T>(callSignal: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Ends the lifetime: aborts its signal and every call joined and still running, with `reason`. */
  end(reason: unknown): void;
}

/**
 * The lifetime of one backend. Joining is cheaper than `AbortSignal.any([callSignal, lifetime])`: one
 * listener on the call's signal, removed when the work settles, and `end` aborts the running calls
 * instead of a listener per call on the lifetime.
 *
 * @example
 * const lifetime = createBackendLifetime();
 * const result = await lifetime.join(callOptions?.signal, (signal) => send(request, signal));
 * lifetime.end(new DisposedError(name)); // at `dispose()`
 */
export function createBackendLifetime(): BackendLifetime {
  const lifetime = new AbortController();
  /** Signals of the calls with a signal of their own, aborted with the backend. */
  const running = new Set<AbortController>();
  return {
    signal: lifetime.signal,
    async join(callSignal, work) {
      if (callSignal === undefined) return work(lifetime.signal);
      callSignal.throwIfAborted();
      const controller = new AbortController();
      const onAbort = () => controller.abort(callSignal.reason);
      callSignal.addEventListener("abort", onAbort, { once: true });
      running.add(controller);
      try {
        return await work(controller.signal);
      } finally {
        running.delete(controller);
        callSignal.removeEventListener("abort", onAbort);
      }
    },
    end(reason) {
      lifetime.abort(reason);
      for (const controller of running) controller.abort(reason);
    },
  };
}
