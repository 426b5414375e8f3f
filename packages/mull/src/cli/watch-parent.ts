/**
 * Where the `mull` bin records `process.ppid` as its first act, before it loads mull's code (seconds on a
 * slow disk): a parent that exits meanwhile is still told apart from the one that started the process. The
 * bin is plain JavaScript of another package and writes the same `Symbol.for` key.
 */
export const parentAtStartKey = Symbol.for("mull.parentAtStart");

/** `process.ppid` when this module was evaluated: the start of the command when no bin recorded it. */
const parentAtLoad = process.ppid;

/**
 * The process id of the parent that started this command: the one the `mull` bin recorded before it loaded
 * mull's code, else the parent when mull's CLI code was loaded.
 *
 * @example
 * const unwatch = watchParent({ baseline: parentAtStart(), onGone: () => stop("parent exited") });
 */
export function parentAtStart(): number {
  const recorded = (globalThis as Record<symbol, unknown>)[parentAtStartKey];
  return typeof recorded === "number" && Number.isInteger(recorded) ? recorded : parentAtLoad;
}

/** Options of `watchParent`. */
export interface WatchParentOptions {
  /** Called once, when the process that started this one is gone (this one was handed to another). */
  readonly onGone: () => void;
  /** How often to look, in milliseconds (default 500). */
  readonly intervalMilliseconds?: number | undefined;
  /** The parent's process id as it is now (default `process.ppid`, read afresh each time). */
  readonly parent?: (() => number) | undefined;
  /**
   * The process id of the parent that started this one, which every later look compares with (default: the
   * parent as `parent` reads it when the watch begins). Pass `parentAtStart()`: a parent that exited before
   * the watch began (npx stopped while the server was starting) is then seen, and told at once.
   */
  readonly baseline?: number | undefined;
}

/**
 * Watches for this process's parent to go away, and says so once. `npx mull serve` and `npm run` start
 * mull under `sh -c`, and npm passes a SIGTERM or SIGINT on to that shell only: the shell dies and mull,
 * handed to another parent, would never hear the signal (the server leaks and skips its drain). Seeing its
 * parent change, mull stops as it would on the signal. Returns the function that stops watching. The timer
 * does not keep the process alive.
 *
 * A parent that already differs from `baseline` is told at once: in a microtask, after the caller's
 * synchronous code, unless the caller stops watching first.
 *
 * @example
 * const unwatch = watchParent({ baseline: parentAtStart(), onGone: () => stop("parent exited") });
 */
export function watchParent(options: WatchParentOptions): () => void {
  const parent = options.parent ?? (() => process.ppid);
  const baseline = options.baseline ?? parent();
  let watching = true;
  const unwatch = () => {
    watching = false;
    clearInterval(timer);
  };
  const look = () => {
    if (!watching || parent() === baseline) return;
    unwatch();
    options.onGone();
  };
  const timer = setInterval(look, options.intervalMilliseconds ?? 500);
  timer.unref?.();
  queueMicrotask(look);
  return unwatch;
}
