import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";

/** An in-memory tracer provider registered globally for a test, and what undoes it. */
export interface InMemorySpans {
  /** The spans ended so far, in the order they ended. */
  spans(): ReadableSpan[];
  /** Unregisters the provider, the context manager and the propagator. */
  restore(): void;
}

/** Options of `registerInMemorySpans`. */
export interface InMemorySpansOptions {
  /** Registers the W3C trace context propagator too (`traceparent` headers), as NodeSDK does. */
  readonly propagate?: boolean | undefined;
}

/**
 * Registers a tracer provider that keeps every ended span in memory, with an async context manager so
 * active spans carry across awaits (and the W3C propagator with `propagate`); call `restore` after the test.
 */
export function registerInMemorySpans(options: InMemorySpansOptions = {}): InMemorySpans {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
  if (options.propagate === true) propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return {
    spans: () => exporter.getFinishedSpans(),
    restore() {
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/** The id of a span's parent, if it has one. */
export function parentIdOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

/** A W3C `traceparent` header's value for a span: version 00, its trace and span ids, sampled. */
export function traceparentOf(span: ReadableSpan): string {
  const { traceId, spanId } = span.spanContext();
  return `00-${traceId}-${spanId}-01`;
}
