import type { LiveText } from "./live-text.ts";
import type { RequestOutcome } from "./request-outcome.ts";

/** A request's work once it has settled: its outcome or its error. */
export type SettledWork = { ok: true; value: RequestOutcome } | { ok: false; error: unknown };

/**
 * How long a streamed pass-through holds its headers for an early failure: an upstream's 429 or 5xx comes
 * back within milliseconds, and answering it with its real status (and `Retry-After`) lets a client's SDK
 * retry on its own; a generation that has not failed by then is working, and its stream opens.
 */
export const earlyFailureMilliseconds = 500;

/**
 * Waits, for a streamed request without a strategy, until its work fails, its first piece arrives or
 * `windowMilliseconds` pass, whichever is first; throws the failure so it is answered with its real status.
 * A strategy request does not wait: it works for seconds before it has anything to say.
 *
 * @throws the work's error when it failed within the window before any piece was relayed.
 */
export async function throwEarlyFailure(
  settled: Promise<SettledWork>,
  live: LiveText | undefined,
  windowMilliseconds: number,
): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const waited = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), windowMilliseconds);
  });
  const early = await Promise.race([settled, waited, ...(live === undefined ? [] : [live.started])]);
  clearTimeout(timer);
  if (early !== undefined && !early.ok) throw early.error;
}
