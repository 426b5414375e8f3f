/**
 * mull: inference-time compute for LLM reasoning.
 *
 * @example
 * import { createOpenAICompatibleBackend, solve } from "mull";
 * const backend = createOpenAICompatibleBackend({ baseUrl: "http://localhost:8000/v1", model: "qwen2.5-7b" });
 * const result = await solve({ problem: "What is 17 * 23?", strategy: "sc@8", backend, budget: { maxTotalTokens: 20_000 } });
 * console.log(result.answer, result.usage, result.stoppedBy);
 */
export * from "./answers/index.ts";
export * from "./backends/openai-compatible/index.ts";
export * from "./budget/index.ts";
export * from "./errors/index.ts";
export * from "./generation/index.ts";
export * from "./lab/index.ts";
export * from "./metrics/index.ts";
export * from "./process-rewards/index.ts";
export * from "./runtime/index.ts";
export * from "./scoring/index.ts";
export * from "./search/index.ts";
export * from "./selection/index.ts";
export { type SolveOptions, solve } from "./solve.ts";
export type * from "./spec/index.ts";
export * from "./steps/index.ts";
export * from "./strategies/index.ts";
export * from "./trace/index.ts";
