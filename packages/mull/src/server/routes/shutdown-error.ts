import { ApiError } from "../http/index.ts";

/**
 * The error of a request a shutdown cut at the end of its grace period (`RequestAbort.byShutdown`): 503
 * `server_shutting_down`, whole or as a stream's last event, so that a cut answer is never taken for a
 * finished one and the client knows to retry elsewhere.
 *
 * @example
 * if (abort.byShutdown()) writer.data([failureBody(shutdownError(), log.charged)]);
 */
export function shutdownError(): ApiError {
  return new ApiError(503, "the server shut down before the request finished", {
    code: "server_shutting_down",
  });
}
