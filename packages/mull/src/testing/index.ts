/**
 * Test doubles, public so users can test code built on mull: a scripted backend that records its calls,
 * and a fake OpenAI-compatible server on loopback with scriptable faults.
 */
export * from "./fake-openai-server.ts";
export * from "./scripted-backend.ts";
