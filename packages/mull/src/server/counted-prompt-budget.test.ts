import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { defaultModelProfile } from "../generation/index.ts";
import type { Backend, GenerationRequest, Prompt, Usage } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { parseServerConfig } from "./config/index.ts";
import { createServer } from "./create-server.ts";
import type { ServedModel } from "./upstreams/index.ts";

// `mull.budget.max_total_tokens` under `mull serve` with a backend that counts prompts (a token a
// character, as the lab models' tokenizer): every wrapper the server puts around the backend (the
// per-sample fan-out of an HTTP upstream, the forwarded fields, the completion hook of a stream) passes
// its `countTokens` on, so the strategy sizes its first call by the counted prompt and the total holds.

const key = "sk-counted";
const budget = 30;

function textOf(prompt: Prompt): string {
  return prompt.kind === "text" ? prompt.text : prompt.messages.map((message) => message.content).join("");
}

/** A token a character. */
const tokensOf = (prompt: Prompt): number => textOf(prompt).length;

/**
 * A model that writes 20 tokens (`#### 42` and spaces) unless `maxTokens` stops it first, and counts
 * prompts and reports usage a token a character; `calls` holds each generation request and its usage.
 */
function countingBackend(counts: "counts" | "estimated" = "counts") {
  const scripted = createScriptedBackend({ responses: ["#### 42"] });
  const calls: { request: GenerationRequest; usage: Usage }[] = [];
  const backend: Backend = {
    describe: () => ({ kind: "counting", model: "counting" }),
    capabilities: async () => ({ ...(await scripted.capabilities()), n: false }),
    async generate(request) {
      const written = Math.min(20, request.maxTokens ?? 20);
      const usage = { promptTokens: tokensOf(request.prompt), completionTokens: written, calls: 1 };
      calls.push({ request, usage });
      return {
        completions: [
          { index: 0, text: "#### 42".padEnd(written), finishReason: "stop", completionTokens: written },
        ],
        usage,
        model: "counting",
      };
    },
    ...(counts === "counts" ? { countTokens: async (prompt: Prompt) => tokensOf(prompt) } : {}),
  };
  return { backend, calls };
}

function setup(backend: Backend, kind: ServedModel["kind"]) {
  const config = parseServerConfig({
    limits: { maxSamples: 16, maxTokens: 1000, defaultMaxTokens: 100, maxRequestTokens: 20_000 },
    upstreams: [{ name: "up", baseUrl: "https://llm.example.com/v1", models: ["m"] }],
  });
  const server = createServer({
    config,
    models: [
      {
        name: "m",
        upstream: "up",
        backend,
        kind,
        profile: defaultModelProfile,
        contextWindow: undefined,
        scorer: undefined,
      },
    ],
    apiKeys: [key],
    logger: pino({ level: "silent" }),
  });
  return (body: Record<string, unknown>) =>
    server.app.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({
        model: "sc@2:m",
        messages: [{ role: "user", content: "What is 6 times 7?" }],
        temperature: 0.8,
        mull: { budget: { max_total_tokens: budget } },
        ...body,
      }),
    });
}

/** The tokens the backend reported over every call of a request. */
const totalOf = (calls: readonly { usage: Usage }[]) =>
  calls.reduce((sum, call) => sum + (call.usage.promptTokens ?? 0) + (call.usage.completionTokens ?? 0), 0);

describe("a strategy's token budget under mull serve, its prompt counted by the backend", () => {
  it.each([
    ["an HTTP upstream's per-sample fan-out", "openai-compatible", {}],
    ["the fan-out with forwarded fields", "openai-compatible", { user: "someone" }],
    ["an embedded model's stream, whose samples are relayed as they come", "embedded", { stream: true }],
  ] as const)("holds max_total_tokens through %s, the first call sized by the counted prompt", async (_name, kind, extra) => {
    const { backend, calls } = countingBackend();
    const response = await setup(backend, kind)(extra);
    expect(response.status).toBe(200);
    await response.text();
    const first = calls[0];
    expect(first).toBeDefined();
    const promptTokens = tokensOf(first!.request.prompt);
    expect(promptTokens).toBeGreaterThan(Math.ceil(promptTokens / 4));
    expect(first!.request.maxTokens).toBe(budget - promptTokens);
    expect(totalOf(calls)).toBeLessThanOrEqual(budget);
    if ("user" in extra) expect(first!.request.extraBody).toMatchObject({ user: "someone" });
  });

  it("reports the usage it held in the response", async () => {
    const { backend, calls } = countingBackend();
    const response = await setup(backend, "openai-compatible")({});
    const body = (await response.json()) as { usage: { total_tokens: number } };
    expect(body.usage.total_tokens).toBe(totalOf(calls));
    expect(body.usage.total_tokens).toBeLessThanOrEqual(budget);
  });

  it("overruns the budget on the first call where the backend cannot count, as the estimate undercounts", async () => {
    const { backend, calls } = countingBackend("estimated");
    const response = await setup(backend, "openai-compatible")({});
    await response.text();
    const promptTokens = tokensOf(calls[0]!.request.prompt);
    // Four characters a token: what the sizing assumed, and why the total goes over.
    expect(calls[0]!.request.maxTokens).toBe(budget - Math.ceil(promptTokens / 4));
    expect(totalOf(calls)).toBeGreaterThan(budget);
  });
});
