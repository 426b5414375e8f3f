import { type Attributes, type Span, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { mullTracer } from "./mull-tracer.ts";

/** Options of `withSpan`. */
export interface WithSpanOptions {
  /** Attributes known as the span starts. */
  readonly attributes?: Attributes | undefined;
  /** Default `internal`; `client` for a call to a model, `server` for a request served. */
  readonly kind?: SpanKind | undefined;
}

/**
 * Runs `work` inside a new active span of mull's tracer, so that spans started while it runs (across
 * awaits, where a context manager is registered) are its children. A throw sets the span's status to
 * error, records the exception and is rethrown; the span ends either way. Without a registered tracer
 * provider the span is a no-op.
 *
 * @example
 * const result = await withSpan("mull.solve sc@8", { attributes: { "mull.strategy": "sc@8" } }, async (span) => {
 *   const result = await run();
 *   span.setAttribute("mull.partial", result.partial);
 *   return result;
 * });
 */
export function withSpan<Result>(
  name: string,
  options: WithSpanOptions,
  work: (span: Span) => Promise<Result>,
): Promise<Result> {
  return mullTracer().startActiveSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      ...(options.attributes === undefined ? {} : { attributes: options.attributes }),
    },
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        markFailed(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** Sets a span's status to error with the error's message and records it as an exception event. */
export function markFailed(span: Span, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.setAttribute("error.type", error instanceof Error ? error.name : "Error");
  if (error instanceof Error) span.recordException(error);
}
