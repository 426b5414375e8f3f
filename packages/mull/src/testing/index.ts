/**
 * Test doubles, public so users can test code built on mull: a scripted backend that records its calls,
 * a fake OpenAI-compatible server on loopback with scriptable faults, a strategy context over a fresh
 * budget with a seeded rng and a manual clock, and a synthetic bench run for reports and metrics.
 */
export * from "./fake-openai-server.ts";
export * from "./forced-sampling-backend.ts";
export * from "./lockstep-backend.ts";
export * from "./scripted-backend.ts";
export * from "./scripted-thinking.ts";
export * from "./synthetic-run.ts";
export * from "./test-strategy-context.ts";
