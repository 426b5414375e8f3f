import { SpanKind } from "@opentelemetry/api";
import type { Usage } from "../spec/index.ts";
import { usageAttributes } from "./gen-ai-attributes.ts";
import { mullTracer } from "./mull-tracer.ts";
import { markFailed } from "./with-span.ts";

/** What a score span says of its call. */
export interface ScoreSpanRequest {
  /** The scorer's name, e.g. `judge` or `lab-step-checker`: the span is `mull.score <scorer>`. */
  readonly scorer: string;
  /** Solutions scored. */
  readonly solutions: number;
  /** The run's signal: a call that throws once it has fired was cut by an abort, not failed. */
  readonly signal: AbortSignal;
}

/**
 * Makes one scorer call inside a span `mull.score <scorer>`, child of the active span, with the number of
 * solutions scored, then the scorer calls made and their token usage. A throw sets the span's status to
 * error, unless the signal fired (`mull.aborted`), and is rethrown.
 *
 * @example
 * const batch = await withScoreSpan({ scorer: "judge", solutions: 4, signal }, () => score());
 */
export async function withScoreSpan<
  Result extends { readonly calls: number; readonly usage?: Usage | undefined },
>(request: ScoreSpanRequest, call: () => Promise<Result>): Promise<Result> {
  const span = mullTracer().startSpan(`mull.score ${request.scorer}`, {
    kind: SpanKind.INTERNAL,
    attributes: { "mull.scorer": request.scorer, "mull.solutions": request.solutions },
  });
  try {
    const result = await call();
    span.setAttributes({
      "mull.score_calls": result.calls,
      ...(result.usage === undefined ? {} : usageAttributes(result.usage)),
    });
    return result;
  } catch (error) {
    if (request.signal.aborted) span.setAttribute("mull.aborted", true);
    else markFailed(span, error);
    throw error;
  } finally {
    span.end();
  }
}
