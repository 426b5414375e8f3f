import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import type { MiddlewareHandler } from "hono";
import { markFailed, mullTracer } from "../../telemetry/index.ts";
import type { RequestContextVariables } from "./request-context.ts";
import { routePattern } from "./route-pattern.ts";

/**
 * An OpenTelemetry server span per request, per the HTTP semantic conventions: `http.request.method`,
 * `url.path`, then `http.route` (the route pattern; the span is renamed `<method> <route>`) and
 * `http.response.status_code` once the response has ended (for a stream, when it closes); a 5xx status is
 * an error. The request is handled inside the span, so the `mull.solve` span of a strategy request is its
 * child. Without a registered tracer provider the span is a no-op. It must follow `requestContext`.
 *
 * @example
 * app.use("*", requestContext({ logger, metrics, draining }));
 * app.use("*", requestSpan());
 */
export function requestSpan(): MiddlewareHandler<{ Variables: RequestContextVariables }> {
  return (context, next) => {
    const method = context.req.method;
    return mullTracer().startActiveSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: { "http.request.method": method, "url.path": new URL(context.req.url).pathname },
      },
      async (span) => {
        context.var.responseEnd.onEnd((status) => {
          const route = routePattern(context);
          if (route !== undefined) {
            span.setAttribute("http.route", route);
            span.updateName(`${method} ${route}`);
          }
          span.setAttribute("http.response.status_code", status);
          if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
        });
        try {
          await next();
        } catch (error) {
          markFailed(span, error);
          throw error;
        }
      },
    );
  };
}
