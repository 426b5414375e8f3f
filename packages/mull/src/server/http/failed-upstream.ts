import { findCause } from "../../errors/index.ts";

/** The upstream each marked error came from, by its configured name. */
const upstreams = new WeakMap<object, string>();

/**
 * Marks `error` as thrown by a call to `upstream` (its configured name), for the message the client
 * receives (`toApiError`). Why: a routing strategy (`cascade@8:small>large`) calls several upstreams in one
 * request, and the one that failed is not always the request's own; a value that is not an object
 * cannot be marked, and is left as it is.
 *
 * @example
 * try { return await backend.generate(request, options); } catch (error) { markFailedUpstream(error, served.upstream); throw error; }
 */
export function markFailedUpstream(error: unknown, upstream: string): void {
  if (typeof error === "object" && error !== null && !upstreams.has(error)) upstreams.set(error, upstream);
}

/** The upstream the first marked error in `error`'s chain of causes came from (`markFailedUpstream`), if any. */
export function failedUpstream(error: unknown): string | undefined {
  const marked = findCause(
    error,
    (cause): cause is object => typeof cause === "object" && cause !== null && upstreams.has(cause),
  );
  return marked === undefined ? undefined : upstreams.get(marked);
}
