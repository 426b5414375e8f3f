import { type Context, context, propagation, type TextMapGetter } from "@opentelemetry/api";

/** Reads a request's `Headers` for a propagator. */
const headersGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => {
    const names: string[] = [];
    headers.forEach((_value, name) => {
      names.push(name);
    });
    return names;
  },
};

/**
 * The active context with the trace context an incoming request carries (a W3C `traceparent` header, or
 * whatever the registered propagator reads), for the request's server span to continue its caller's
 * trace. Without a registered propagator, or without such headers, it is the active context unchanged:
 * the server span starts a trace of its own.
 *
 * @example
 * const parent = incomingTraceContext(request.headers);
 * mullTracer().startActiveSpan("POST", { kind: SpanKind.SERVER }, parent, (span) => handle(span));
 */
export function incomingTraceContext(headers: Headers): Context {
  return propagation.extract(context.active(), headers, headersGetter);
}
