import { type Attributes, context, SpanKind, trace } from "@opentelemetry/api";
import { mullTracer } from "./mull-tracer.ts";
import { markFailed } from "./with-span.ts";

/** What a client span around one call to a model is started with. */
export interface ClientSpanStart {
  /** The span's name, e.g. `chat qwen2.5-7b`. */
  readonly name: string;
  /** Attributes known as the call starts: its request. */
  readonly attributes: Attributes;
  /** The run's signal: a call that throws once it has fired was cut by an abort, not failed. */
  readonly signal: AbortSignal;
}

/**
 * Makes one call to a model inside a client span, child of the active span and itself the active span
 * while the call runs: an HTTP request the call sends carries it as its parent (where a propagator is
 * registered, `traceContextFetch`), and spans the call starts are its children. `answered` gives the
 * attributes of the call's result (the answering model, the token usage, …). A throw sets the span's
 * status to error, unless the signal fired (`mull.aborted`), and is rethrown.
 *
 * @example
 * const result = await withClientSpan(
 *   { name: "chat qwen2.5-7b", attributes: { "gen_ai.operation.name": "chat" }, signal },
 *   () => backend.generate(request, { signal }),
 *   (result) => usageAttributes(result.usage),
 * );
 */
export async function withClientSpan<Result>(
  start: ClientSpanStart,
  call: () => Promise<Result>,
  answered: (result: Result) => Attributes,
): Promise<Result> {
  const span = mullTracer().startSpan(start.name, { kind: SpanKind.CLIENT, attributes: start.attributes });
  try {
    const result = await context.with(trace.setSpan(context.active(), span), call);
    span.setAttributes(answered(result));
    return result;
  } catch (error) {
    if (start.signal.aborted) span.setAttribute("mull.aborted", true);
    else markFailed(span, error);
    throw error;
  } finally {
    span.end();
  }
}
