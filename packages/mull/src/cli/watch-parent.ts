/** Options of `watchParent`. */
export interface WatchParentOptions {
  /** Called once, when the process that started this one is gone (this one was handed to another). */
  readonly onGone: () => void;
  /** How often to look, in milliseconds (default 500). */
  readonly intervalMilliseconds?: number | undefined;
  /** The parent's process id as it is now (default `process.ppid`, read afresh each time). */
  readonly parent?: (() => number) | undefined;
}

/**
 * Watches for this process's parent to go away, and says so once. `npx mull serve` and `npm run` start
 * mull under `sh -c`, and npm passes a SIGTERM or SIGINT on to that shell only: the shell dies and mull,
 * handed to another parent, would never hear the signal (the server leaks and skips its drain). Seeing its
 * parent change, mull stops as it would on the signal. Returns the function that stops watching. The timer
 * does not keep the process alive.
 *
 * @example
 * const unwatch = watchParent({ onGone: () => stop("parent exited") });
 */
export function watchParent(options: WatchParentOptions): () => void {
  const parent = options.parent ?? (() => process.ppid);
  const first = parent();
  const timer = setInterval(() => {
    if (parent() === first) return;
    clearInterval(timer);
    options.onGone();
  }, options.intervalMilliseconds ?? 500);
  timer.unref?.();
  return () => clearInterval(timer);
}
