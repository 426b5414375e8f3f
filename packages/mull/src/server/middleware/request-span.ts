import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import type { MiddlewareHandler } from "hono";
import { incomingTraceContext, markFailed, mullTracer } from "../../telemetry/index.ts";
import type { RequestContextVariables } from "./request-context.ts";
import { routePattern } from "./route-pattern.ts";

/**
 * An OpenTelemetry server span per request, per the HTTP semantic conventions: `http.request.method`,
 * `url.path`, then `http.route` (the route pattern; the span is renamed `<method> <route>`) and
 * `http.response.status_code` once the response has ended; a 5xx status is an error. The request is
 * handled inside the span, so the `mull.solve` span of a strategy request is its child. A request that
 * carries a trace context its caller propagated (a W3C `traceparent` header, read by the registered
 * propagator, `incomingTraceContext`) continues that trace: the span is the caller's span's child. Without
 * a registered propagator every request starts a trace of its own; without a registered tracer provider
 * the span is a no-op.
 *
 * Mounted after `requestContext` (as `createServer` does), the span ends with the response, which for a
 * stream is when it closes. Mounted without it, the span ends when the handler returns its response:
 * for a stream, that is when the stream opens, with the status it opened with.
 *
 * @example
 * const app = new Hono();
 * app.use("*", requestSpan());
 * app.get("/items/:id", (context) => context.text("ok"));
 * // GET /items/7 records a server span `GET /items/:id` with `http.response.status_code` 200.
 */
export function requestSpan(): MiddlewareHandler<{
  Variables: Partial<Pick<RequestContextVariables, "responseEnd">>;
}> {
  return (context, next) => {
    const method = context.req.method;
    return mullTracer().startActiveSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: { "http.request.method": method, "url.path": new URL(context.req.url).pathname },
      },
      // A caller's trace context (`traceparent`) makes the span its child, where a propagator is registered.
      incomingTraceContext(context.req.raw.headers),
      async (span) => {
        const end = (status: number) => {
          const route = routePattern(context);
          if (route !== undefined) {
            span.setAttribute("http.route", route);
            span.updateName(`${method} ${route}`);
          }
          span.setAttribute("http.response.status_code", status);
          if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
        };
        // Read before the handler runs: a `requestContext` mounted after this middleware sets its own
        // response end too late to carry this span, which then ends with the handler instead.
        const responseEnd = context.get("responseEnd");
        responseEnd?.onEnd(end);
        try {
          await next();
        } catch (error) {
          markFailed(span, error);
          if (responseEnd === undefined) span.end();
          throw error;
        }
        if (responseEnd === undefined) end(context.res.status);
      },
    );
  };
}
