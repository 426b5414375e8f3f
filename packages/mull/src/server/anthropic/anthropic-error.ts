import type { MiddlewareHandler } from "hono";
import type { Usage } from "../../spec/index.ts";
import type { ApiError } from "../http/index.ts";
import { usageCounts } from "../requests/index.ts";
import { anthropicUsage } from "./message-body.ts";

/** Anthropic's error types, by HTTP status. */
function anthropicType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 413) return "request_too_large";
  if (status === 429) return "rate_limit_error";
  if (status === 503 || status === 529) return "overloaded_error";
  if (status >= 500) return "api_error";
  return "invalid_request_error";
}

/**
 * An error in Anthropic's shape, `{ "type": "error", "error": { "type", "message" } }`, whose message
 * names the field at fault (as the server's messages do).
 *
 * @example
 * anthropicErrorBody(400, "max_tokens is required");
 * // { type: "error", error: { type: "invalid_request_error", message: "max_tokens is required" } }
 */
export function anthropicErrorBody(status: number, message: string): Record<string, unknown> {
  return { type: "error", error: { type: anthropicType(status), message } };
}

/**
 * The Anthropic-shaped body of an `ApiError`, whole or as the last event of a stream, with what the request
 * was charged for upstream work before it failed, when it was (`RequestLog.charged`), as OpenAI's error
 * body and stream chunk tell it (`failureBody`): `usage` in Anthropic's shape (`anthropicUsage`, unknown
 * counts 0), and `mull.usage` with each count no upstream call reported `null` (`usageCounts`).
 *
 * @example
 * anthropicErrorOf(error, { promptTokens: 12, completionTokens: 4, calls: 1 });
 * // { type: "error", error: { type: "api_error", message: "…" }, usage: { input_tokens: 12, output_tokens: 4 },
 * //   mull: { usage: { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16, calls: 1 } } }
 */
export function anthropicErrorOf(
  error: ApiError,
  charged?: Usage | undefined,
): Record<string, unknown> & { type: string } {
  const body = { ...anthropicErrorBody(error.status, error.message), type: "error" };
  return charged === undefined
    ? body
    : { ...body, usage: anthropicUsage(charged), mull: { usage: usageCounts(charged) } };
}

/**
 * Answers the Anthropic API's paths with Anthropic's error shape: every error response in OpenAI's shape
 * from the middleware and routes behind it (a missing key, the in-flight limit, a refused body) is
 * rewritten to `{ "type": "error", "error": { "type", "message" } }`, with its status and headers kept;
 * one in Anthropic's shape already (a failed message's, with its `usage`: `anthropicErrorOf`) is left as
 * it is.
 *
 * @example
 * app.use("/v1/messages", anthropicErrors());
 */
export function anthropicErrors(): MiddlewareHandler {
  return async (context, next) => {
    await next();
    const response = context.res;
    if (response.status < 400 || !(response.headers.get("content-type") ?? "").includes("json")) return;
    let body: { type?: unknown; error?: { message?: unknown } };
    try {
      body = (await response.clone().json()) as typeof body;
    } catch {
      return;
    }
    const message = body.error?.message;
    if (typeof message !== "string" || body.type === "error") return;
    const headers = new Headers(response.headers);
    headers.delete("content-length");
    context.res = undefined;
    context.res = new Response(JSON.stringify(anthropicErrorBody(response.status, message)), {
      status: response.status,
      headers,
    });
  };
}
