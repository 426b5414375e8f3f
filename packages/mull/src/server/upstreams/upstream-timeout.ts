import { AttemptTimeout } from "../../backends/openai-compatible/index.ts";

/**
 * Whether an abort reason is one of the HTTP backend's own timeouts (`AttemptTimeout`: its deadline, stall
 * or first-token timeout, the upstream not answering in time). Whatever the caller aborted with passes
 * through as it is: a client's `AbortError`, and the `TimeoutError` of a request's own budget running out,
 * which says nothing of the upstream.
 *
 * @example
 * isUpstreamTimeout(new AttemptTimeout("stall")); // true
 * isUpstreamTimeout(new DOMException("the time limit of 50 ms passed", "TimeoutError")); // false
 */
export function isUpstreamTimeout(reason: unknown): boolean {
  return reason instanceof AttemptTimeout;
}
