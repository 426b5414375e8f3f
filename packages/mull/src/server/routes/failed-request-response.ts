import type { Context } from "hono";
import type { Usage } from "../../spec/index.ts";
import type { ApiError } from "../http/index.ts";
import type { ServerEnvironment } from "../middleware/index.ts";
import { type ClientFields, inClientFields } from "../requests/index.ts";
import type { ServerMetrics } from "../telemetry/index.ts";
import { failureBody } from "./failure-body.ts";
import type { RequestLog } from "./request-log.ts";
import { shutdownError } from "./shutdown-error.ts";

/** What `failedRequestResponse` reads besides the request's context and its error. */
export interface FailedRequest {
  /** The request's log: it maps the error (`failure`) and writes the request's line. */
  readonly log: RequestLog;
  readonly metrics: ServerMetrics;
  /** The fields the client sent, where the body was mapped onto a chat request (`inClientFields`). */
  readonly clientFields: ClientFields | undefined;
  /**
   * The error's body, with what the request was charged, when it was; default OpenAI's with `mull.usage`
   * beside it (`failureBody`).
   */
  readonly failureBody?:
    | ((error: ApiError, charged: Usage | undefined) => Record<string, unknown>)
    | undefined;
}

/**
 * The answer to a request whose handler failed, its line logged: 499 without a body where the client went
 * away, 503 `server_shutting_down` where a shutdown cut it short, else the error as the client receives it
 * (`log.failure`), naming the fields the client sent, with what the request was charged (`log.charged`) as
 * `mull.usage` beside it (`failureBody`), or in the shape `request.failureBody` gives it. A 4xx of a
 * request refused before it was planned counts as `rejected{reason="invalid"}`.
 *
 * @example
 * } catch (error) {
 *   return failedRequestResponse(context, error, { log, metrics, clientFields });
 * }
 */
export function failedRequestResponse(
  context: Context<ServerEnvironment>,
  error: unknown,
  request: FailedRequest,
): Response {
  const { log, metrics, clientFields } = request;
  const { abort } = context.var;
  if (abort.byClient()) {
    log.line(499, { clientDisconnected: true });
    return new Response(null, { status: 499 });
  }
  const apiError = abort.byShutdown() ? shutdownError() : inClientFields(log.failure(error), clientFields);
  if (apiError.status < 500 && log.plan === undefined) metrics.rejected.inc({ reason: "invalid" });
  log.line(apiError.status, {
    code: apiError.code,
    ...(apiError.param === undefined ? {} : { param: apiError.param }),
  });
  const headers: Record<string, string> = { ...apiError.headers, "x-request-id": context.var.requestId };
  const body = (request.failureBody ?? failureBody)(apiError, log.charged);
  return context.json(body, apiError.status as 400, headers);
}
