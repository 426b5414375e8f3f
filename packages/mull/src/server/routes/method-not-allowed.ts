import type { Handler } from "hono";
import { ApiError, errorResponse } from "../http/index.ts";
import type { ServerEnvironment } from "../middleware/index.ts";

/** The one method a route takes: `GET` (which answers `HEAD` too) or `POST`. */
export type RouteMethod = "GET" | "POST";

/**
 * Answers the methods a path does not take with 405 `method_not_allowed`, naming the one it takes, and
 * an `Allow` header listing what it takes (RFC 9110 §15.5.6): `POST`, or `GET, HEAD` for a `GET` route,
 * as the server answers `HEAD` wherever it answers `GET`. `path` is the path as the message shows it
 * (`/v1/models/{model}`).
 *
 * @example
 * app.all("/v1/chat/completions", methodNotAllowed("/v1/chat/completions", "POST"));
 * // GET /v1/chat/completions → 405, Allow: POST, "GET is not allowed on /v1/chat/completions; use POST"
 */
export function methodNotAllowed(path: string, allowed: RouteMethod): Handler<ServerEnvironment> {
  const allow = allowed === "GET" ? "GET, HEAD" : allowed;
  return (context) =>
    errorResponse(
      context,
      new ApiError(405, `${context.req.method} is not allowed on ${path}; use ${allowed}`, {
        code: "method_not_allowed",
        headers: { allow },
      }),
    );
}
