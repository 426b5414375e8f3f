import { type Tracer, trace } from "@opentelemetry/api";
import { packageVersion } from "../runtime/index.ts";

/** The instrumentation scope name of mull's spans. */
export const tracerName = "mull";

/**
 * The OpenTelemetry tracer mull's spans are made with, `trace.getTracer("mull", <version>)`. It is looked
 * up on each call, so a provider registered later is used; without one its spans are no-ops that cost
 * nothing.
 *
 * @example
 * const span = mullTracer().startSpan("mull.solve sc@8");
 */
export function mullTracer(): Tracer {
  return trace.getTracer(tracerName, packageVersion());
}
