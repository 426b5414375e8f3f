import type { MiddlewareHandler } from "hono";
import { ApiError, errorResponse } from "../http/index.ts";
import type { ServerMetrics } from "../telemetry/index.ts";

/** Options of `drainGuard`. */
export interface DrainGuardOptions {
  /** True once the server is shutting down. */
  readonly draining: () => boolean;
  readonly metrics: ServerMetrics;
}

/**
 * Refuses new work with 503 `server_shutting_down` (Retry-After 1) once the server drains, so clients
 * retry on another instance while the requests in flight finish.
 *
 * @example
 * app.post("/v1/chat/completions", drainGuard({ draining: () => isDraining, metrics }), handler);
 */
export function drainGuard(
  options: DrainGuardOptions,
): MiddlewareHandler<{ Variables: { requestId: string } }> {
  return async (context, next) => {
    if (!options.draining()) return next();
    options.metrics.rejected.inc({ reason: "draining" });
    return errorResponse(
      context,
      new ApiError(503, "the server is shutting down; retry on another instance", {
        code: "server_shutting_down",
        headers: { "retry-after": "1" },
      }),
    );
  };
}
