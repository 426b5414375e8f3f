import type { Context } from "hono";
import type { ApiError } from "./api-error.ts";

/**
 * The response of an `ApiError`: its status, its body in OpenAI's error shape, its headers (e.g.
 * `retry-after`) and the request id.
 *
 * @example
 * return errorResponse(context, new ApiError(404, "no route for GET /x", { code: "not_found" }));
 */
export function errorResponse<Environment extends { Variables: { requestId: string } }>(
  context: Context<Environment>,
  error: ApiError,
): Response {
  const requestId: string = context.var.requestId;
  const headers: Record<string, string> = { ...error.headers, "x-request-id": requestId };
  return context.json(error.body(), error.status as 400, headers);
}
