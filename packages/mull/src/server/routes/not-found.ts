import type { NotFoundHandler } from "hono";
import { ApiError, errorResponse } from "../http/index.ts";
import type { ServerEnvironment } from "../middleware/index.ts";

/**
 * Answers a request no route takes with 404 `not_found` in OpenAI's error shape (the path cut at 200
 * characters).
 *
 * @example
 * app.notFound(notFound);
 */
export const notFound: NotFoundHandler<ServerEnvironment> = (context) =>
  errorResponse(
    context,
    new ApiError(404, `no route for ${context.req.method} ${context.req.path.slice(0, 200)}`, {
      code: "not_found",
    }),
  );
