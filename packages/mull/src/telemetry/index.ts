export { activeContextTask } from "./active-context-task.ts";
export { type ClientSpanStart, withClientSpan } from "./client-span.ts";
export { flushTracerProvider, type TracerFlush, tracerFlushUnfinished } from "./flush-tracer-provider.ts";
export {
  definedAttributes,
  genAiOperation,
  genAiRequestModel,
  usageAttributes,
} from "./gen-ai-attributes.ts";
export { type GenerationSpanRequest, withGenerationSpan } from "./generation-span.ts";
export { incomingTraceContext } from "./incoming-trace-context.ts";
export { mullTracer, tracerName } from "./mull-tracer.ts";
export { type ProbeAnswer, withProbeSpan } from "./probe-span.ts";
export { type ScoreSpanRequest, withScoreSpan } from "./score-span.ts";
export { traceContextFetch } from "./trace-context-fetch.ts";
export { markFailed, type WithSpanOptions, withSpan } from "./with-span.ts";
