import type { Handler } from "hono";
import { ApiError, errorResponse } from "../http/index.ts";
import type { ServerEnvironment } from "../middleware/index.ts";

/**
 * Answers the methods a path does not take with 405 `method_not_allowed`, naming the one it takes.
 *
 * @example
 * app.all("/v1/chat/completions", methodNotAllowed("/v1/chat/completions", "POST"));
 */
export function methodNotAllowed(path: string, allowed: string): Handler<ServerEnvironment> {
  return (context) =>
    errorResponse(
      context,
      new ApiError(405, `${context.req.method} is not allowed on ${path}; use ${allowed}`, {
        code: "method_not_allowed",
      }),
    );
}
