export { createTracer } from "./create-tracer.ts";
export { type TraceNode, traceToTree } from "./trace-to-tree.ts";
export { usageByModel } from "./usage-by-model.ts";
