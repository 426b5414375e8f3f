/** A counter of requests in flight with a ceiling: beyond it requests are refused, never queued. */
export interface InFlightLimiter {
  /** Takes a slot; false when all `limit` slots are taken. */
  tryAcquire(): boolean;
  /** Gives a slot back. */
  release(): void;
  /** Requests in flight. */
  count(): number;
  /** Resolves when no request is in flight. */
  idle(): Promise<void>;
}

/**
 * A limiter over requests in flight. Shedding instead of queueing keeps latency bounded under overload:
 * the caller answers 429 with Retry-After when `tryAcquire()` fails.
 *
 * @example
 * const limiter = createInFlightLimiter(256);
 * if (!limiter.tryAcquire()) return tooBusy();
 * try { ... } finally { limiter.release(); }
 */
export function createInFlightLimiter(limit: number): InFlightLimiter {
  let current = 0;
  let waiters: (() => void)[] = [];
  return {
    tryAcquire() {
      if (current >= limit) return false;
      current += 1;
      return true;
    },
    release() {
      current = Math.max(0, current - 1);
      if (current === 0 && waiters.length > 0) {
        const ready = waiters;
        waiters = [];
        for (const resolve of ready) resolve();
      }
    },
    count: () => current,
    idle() {
      if (current === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}
