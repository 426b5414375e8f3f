import { untilAborted } from "./until-aborted.ts";

/** Work that callers share and wait on, each under its own signal; it runs while one of them still waits. */
export interface SharedWork<T> {
  /**
   * Waits for the work under `signal`: rejects with the signal's reason as soon as it aborts. When the last
   * caller still waiting aborts before the work settled, the work is aborted too (with that caller's
   * reason) and the work is abandoned. A caller without a signal waits to the end, and keeps the work going.
   */
  wait(signal: AbortSignal | undefined): Promise<T>;
  /** Whether every waiting caller aborted before the work settled: its outcome is nobody's, and it was stopped. */
  readonly abandoned: boolean;
}

/**
 * Starts `work` under a signal that aborts when `lifetime` does or when every caller waiting on it has
 * aborted: work that outlives the callers it serves (a capability probe whose callers left) does not keep
 * its requests open. Its outcome, a failure included, is only ever seen through `wait` (a failure nobody
 * waits for is not an unhandled rejection).
 *
 * @example
 * const probe = shareUntilAbandoned(lifetime, (signal) => probeCapabilities(sender, { ...settings, signal }));
 * const found = await probe.wait(callSignal);
 */
export function shareUntilAbandoned<T>(
  lifetime: AbortSignal,
  work: (signal: AbortSignal) => Promise<T>,
): SharedWork<T> {
  const controller = new AbortController();
  const onEnd = () => controller.abort(lifetime.reason);
  if (lifetime.aborted) onEnd();
  else lifetime.addEventListener("abort", onEnd, { once: true });
  let waiting = 0;
  let settled = false;
  let abandoned = false;
  const outcome = (async () => work(controller.signal))().finally(() => {
    settled = true;
    lifetime.removeEventListener("abort", onEnd);
  });
  // Every waiter may have left before it fails: the failure is still handled.
  outcome.catch(() => {});
  return {
    get abandoned() {
      return abandoned;
    },
    wait(signal) {
      waiting += 1;
      return untilAborted(outcome, signal).finally(() => {
        waiting -= 1;
        // Only an abort ends a wait before the work settles.
        if (waiting > 0 || settled) return;
        abandoned = true;
        controller.abort(signal?.reason);
      });
    },
  };
}
