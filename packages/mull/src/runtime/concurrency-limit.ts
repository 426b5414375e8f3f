import { AsyncResource } from "node:async_hooks";

/** Runs tasks with at most a fixed number at once; the others wait their turn in order. */
export interface ConcurrencyLimit {
  /**
   * Runs `task` at once when a slot is free and nobody waits, else once the tasks queued before it have
   * started and a slot frees. A task whose `signal` aborts while it waits never starts: its promise
   * rejects with the signal's reason. Once started, the task owns its slot until its promise settles.
   */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Tasks running. */
  active(): number;
  /** Tasks waiting for a slot. */
  waiting(): number;
}

interface Waiter {
  readonly start: () => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  /** Cleared when the waiter starts or is dropped, so the queue skips it. */
  live: boolean;
}

/**
 * A first-in, first-out concurrency limit with a fast path: below the limit, with nobody waiting, a task
 * starts synchronously with no queue entry, promise wrapper or abort listener. A task that waited starts in
 * the asynchronous context it was queued from (`AsyncLocalStorage` values such as the active trace span),
 * not in that of the task whose end freed its slot. Waiters sharing a signal
 * share one abort listener on it (a listener per waiter makes adding and removing them quadratic).
 * Written here rather than taken from p-queue because this is the proxy's hot path: p-queue's promise,
 * event and listener work per task showed in the proxy's CPU profile. The bench runner uses it too: to
 * drop the pairs not yet started after a failure, it passes one signal to every `run` and aborts it.
 *
 * @example
 * const limit = createConcurrencyLimit(8);
 * const response = await limit.run(() => fetch(url, { signal }), signal);
 */
export function createConcurrencyLimit(concurrency: number): ConcurrencyLimit {
  let running = 0;
  /** Waiters in order; `head` is the index of the first one not yet started or dropped. */
  let queue: Waiter[] = [];
  let head = 0;
  let waitingCount = 0;
  const listeners = new Map<AbortSignal, { waiters: Set<Waiter>; onAbort: () => void }>();

  const unlisten = (waiter: Waiter) => {
    const signal = waiter.signal;
    if (signal === undefined) return;
    const entry = listeners.get(signal);
    if (entry === undefined) return;
    entry.waiters.delete(waiter);
    if (entry.waiters.size === 0) {
      listeners.delete(signal);
      signal.removeEventListener("abort", entry.onAbort);
    }
  };

  const listen = (waiter: Waiter, signal: AbortSignal) => {
    let entry = listeners.get(signal);
    if (entry === undefined) {
      const waiters = new Set<Waiter>();
      const onAbort = () => {
        listeners.delete(signal);
        for (const dropped of waiters) {
          dropped.live = false;
          waitingCount -= 1;
          dropped.reject(signal.reason);
        }
        waiters.clear();
        // Dropped waiters stay in the queue until a drain passes them; with nobody left, forget them now.
        if (waitingCount === 0) {
          queue = [];
          head = 0;
        }
      };
      entry = { waiters, onAbort };
      listeners.set(signal, entry);
      signal.addEventListener("abort", onAbort, { once: true });
    }
    entry.waiters.add(waiter);
  };

  /** Starts waiters while slots are free. */
  const drain = () => {
    while (running < concurrency && head < queue.length) {
      const waiter = queue[head] as Waiter;
      head += 1;
      if (!waiter.live) continue;
      waiter.live = false;
      waitingCount -= 1;
      unlisten(waiter);
      waiter.start();
    }
    if (head === queue.length) {
      queue = [];
      head = 0;
    } else if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
  };

  const release = () => {
    running -= 1;
    if (waitingCount > 0) drain();
  };

  const start = <T>(task: () => Promise<T>): Promise<T> => {
    running += 1;
    let promise: Promise<T>;
    try {
      promise = task();
    } catch (error) {
      release();
      return Promise.reject(error);
    }
    return promise.finally(release);
  };

  return {
    run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (running < concurrency && waitingCount === 0) return start(task);
      return new Promise<T>((resolve, reject) => {
        const waiter: Waiter = {
          // Started by whichever task frees a slot: bound, so that it runs in its own caller's
          // asynchronous context (its trace span, whether its calls stay out of circuits), not the freer's.
          start: AsyncResource.bind(() => start(task).then(resolve, reject)),
          reject,
          signal,
          live: true,
        };
        queue.push(waiter);
        waitingCount += 1;
        if (signal !== undefined) listen(waiter, signal);
      });
    },
    active: () => running,
    waiting: () => waitingCount,
  };
}
