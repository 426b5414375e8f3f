import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
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
  /** Unregisters the provider and the context manager. */
  restore(): void;
}

/**
 * Registers a tracer provider that keeps every ended span in memory, with an async context manager so
 * active spans carry across awaits; call `restore` after the test.
 */
export function registerInMemorySpans(): InMemorySpans {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
  return {
    spans: () => exporter.getFinishedSpans(),
    restore() {
      trace.disable();
      context.disable();
    },
  };
}

/** The id of a span's parent, if it has one. */
export function parentIdOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}
