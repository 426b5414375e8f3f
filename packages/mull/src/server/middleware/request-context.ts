import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import type { ServerMetrics } from "../telemetry/index.ts";
import { routePattern } from "./route-pattern.ts";

/** When a response ends: as the handler returns it, or later for a stream. */
export interface ResponseEnd {
  /** Adds what to do once the response has ended, with its status; callbacks run in the order added. */
  onEnd(callback: (status: number) => void): void;
  /**
   * Says the response outlives its handler (a stream): nothing ends with the handler, and the returned
   * function ends the response, once, with the status to record.
   */
  defer(): (status: number) => void;
}

/** What `requestContext` gives every request. */
export interface RequestContextVariables {
  /** A fresh UUID, sent back as `x-request-id` and written in every log line of the request. */
  requestId: string;
  /** `performance.now()` when the request arrived. */
  startedAt: number;
  logger: Logger;
  responseEnd: ResponseEnd;
}

/** Options of `requestContext`. */
export interface RequestContextOptions {
  readonly logger: Logger;
  readonly metrics: ServerMetrics;
  /** True once the server is shutting down: every response then says `connection: close`. */
  readonly draining: () => boolean;
}

/** A response end whose callbacks run before `last`. */
function createResponseEnd(
  last: (status: number) => void,
): ResponseEnd & { deferred(): boolean; end(status: number): void } {
  const callbacks: ((status: number) => void)[] = [];
  let deferred = false;
  let ended = false;
  const end = (status: number) => {
    if (ended) return;
    ended = true;
    for (const callback of callbacks) callback(status);
    last(status);
  };
  return {
    onEnd: (callback) => callbacks.push(callback),
    defer() {
      deferred = true;
      return end;
    },
    deferred: () => deferred,
    end,
  };
}

/**
 * The first middleware of every request: its id, logger and arrival time, the `x-request-id` header of
 * its response, and `mull_http_requests_total` and the latency histogram once the response has ended
 * (for a stream, when it closes), labelled by the pattern of the route the path matches, also when the
 * request was refused before that route ran (a missing key, say), and `unmatched` for a path no route matches.
 *
 * @example
 * app.use("*", requestContext({ logger, metrics, draining: () => isDraining }));
 */
export function requestContext(
  options: RequestContextOptions,
): MiddlewareHandler<{ Variables: RequestContextVariables }> {
  const { logger, metrics } = options;
  return async (context, next) => {
    const startedAt = performance.now();
    const requestId = randomUUID();
    // A stream may end before this middleware resumes: the route is read when the response ends.
    const responseEnd = createResponseEnd((status) => {
      const route = routePattern(context) ?? "unmatched";
      metrics.requests.inc({ route, method: context.req.method, status: String(status) });
      metrics.requestSeconds.observe({ route }, (performance.now() - startedAt) / 1000);
    });
    context.set("requestId", requestId);
    context.set("startedAt", startedAt);
    context.set("logger", logger);
    context.set("responseEnd", responseEnd);
    await next();
    context.res.headers.set("x-request-id", requestId);
    // Connections close with their response while draining, so the listener can stop.
    if (options.draining()) context.res.headers.set("connection", "close");
    if (!responseEnd.deferred()) responseEnd.end(context.res.status);
  };
}
