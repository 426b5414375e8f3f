/**
 * How long a stream whose client went away waits for its work to settle before it ends: the work is
 * aborted with it, so it settles within moments, charged what its upstream calls used; an upstream that
 * ignores the abort does not hold the response past this.
 */
export const settleAfterCancelMilliseconds = 5_000;

/**
 * Ends a stream whose client went away once its aborted work has settled, or after `milliseconds`
 * (default `settleAfterCancelMilliseconds`), whichever comes first (a work that failed has settled too): `end` is called once. Why: the
 * response's end logs its line and frees its in-flight slot, and by the time the work settles its usage
 * has been charged to the key and counted in `/metrics`, so the line and `/metrics` carry the charge.
 *
 * @example
 * cancel() {
 *   abort.clientGone();
 *   endOnceSettled(settled, () => end(499));
 * }
 */
export function endOnceSettled(
  settled: Promise<unknown>,
  end: () => void,
  milliseconds: number = settleAfterCancelMilliseconds,
): void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    end();
  };
  const timer = setTimeout(once, milliseconds);
  settled.then(once, once);
}
