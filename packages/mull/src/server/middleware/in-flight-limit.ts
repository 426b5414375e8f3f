import type { MiddlewareHandler } from "hono";
import { ApiError, errorResponse } from "../http/index.ts";
import type { ServerMetrics } from "../telemetry/index.ts";
import type { InFlightLimiter } from "./in-flight-limiter.ts";
import type { ResponseEnd } from "./request-context.ts";

/** Options of `inFlightLimit`. */
export interface InFlightLimitOptions {
  readonly limiter: InFlightLimiter;
  /** The limiter's ceiling, for the message. */
  readonly maxInFlight: number;
  /** Seconds in the Retry-After of a 429. */
  readonly retryAfterSeconds: number;
  readonly metrics: ServerMetrics;
}

/**
 * Holds a slot of the limiter for each request until its response ends (a stream: until it closes), and
 * answers 429 `server_overloaded` with Retry-After when none is free: beyond the limit requests are shed,
 * never queued, so latency stays bounded under overload.
 *
 * @example
 * app.post(path, inFlightLimit({ limiter: createInFlightLimiter(256), maxInFlight: 256, retryAfterSeconds: 1, metrics }), handler);
 */
export function inFlightLimit(
  options: InFlightLimitOptions,
): MiddlewareHandler<{ Variables: { requestId: string; responseEnd: ResponseEnd } }> {
  const { limiter, metrics } = options;
  return async (context, next) => {
    if (!limiter.tryAcquire()) {
      metrics.rejected.inc({ reason: "overload" });
      const seconds = options.retryAfterSeconds;
      return errorResponse(
        context,
        new ApiError(
          429,
          `the server is at its limit of ${options.maxInFlight} requests in flight; retry after ${seconds} s`,
          { code: "server_overloaded", headers: { "retry-after": String(seconds) } },
        ),
      );
    }
    metrics.inFlight.inc();
    context.get("responseEnd").onEnd(() => {
      limiter.release();
      metrics.inFlight.dec();
    });
    await next();
  };
}
