export { definedAttributes, genAiOperation, usageAttributes } from "./gen-ai-attributes.ts";
export { type GenerationSpanRequest, withGenerationSpan } from "./generation-span.ts";
export { mullTracer, tracerName } from "./mull-tracer.ts";
export { type ScoreSpanRequest, withScoreSpan } from "./score-span.ts";
export { markFailed, type WithSpanOptions, withSpan } from "./with-span.ts";
