import { describe, expect, it } from "vitest";
import { defaultModelProfile } from "../../generation/index.ts";
import { manualClock } from "../../runtime/index.ts";
import type { Prompt } from "../../spec/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import { parseServerConfig } from "../config/index.ts";
import { ApiError } from "../http/index.ts";
import { createCircuitBreaker, type ServedModel } from "../upstreams/index.ts";
import { planCountedRequest } from "./plan-counted-request.ts";
import { serveRequest } from "./serve-request.ts";

// A model whose upstream's circuit is open falls back to an embedded-like model of a 256-token window
// whose backend counts tokens: the fallback is admitted or passed over by that count, not by the
// estimate from characters (4 a token here), as the model asked for was.

const limits = parseServerConfig({
  limits: { defaultMaxTokens: 16, maxRequestTokens: 100_000 },
  upstreams: [{ name: "up", baseUrl: "https://llm.example.com/v1", models: ["primary"] }],
}).limits;

function textOf(prompt: Prompt): string {
  return prompt.kind === "text" ? prompt.text : prompt.messages.map((message) => message.content).join("");
}

/** The two models, the fallback's tokens counted as `tokensOf` says; `counted` holds what it counted. */
function fallbackModels(tokensOf: (text: string) => number) {
  const counted: string[] = [];
  const circuit = createCircuitBreaker({
    failureThreshold: 1,
    cooldownMilliseconds: 60_000,
    clock: manualClock(),
  });
  circuit.record("failure");
  const primary: ServedModel = {
    name: "primary",
    upstream: "up",
    backend: createScriptedBackend({ responses: ["from the primary"] }),
    kind: "openai-compatible",
    profile: defaultModelProfile,
    contextWindow: undefined,
    scorer: undefined,
    circuit,
    fallback: "local",
  };
  const local: ServedModel = {
    name: "local",
    upstream: "local",
    backend: {
      ...createScriptedBackend({ responses: ["from the fallback"] }),
      countTokens: async (prompt) => {
        counted.push(textOf(prompt));
        return tokensOf(textOf(prompt));
      },
    },
    kind: "embedded",
    profile: defaultModelProfile,
    contextWindow: 256,
    scorer: undefined,
  };
  const models = new Map([
    ["primary", primary],
    ["local", local],
  ]);
  return { models, counted };
}

async function serve(models: ReadonlyMap<string, ServedModel>, content: string) {
  const body = { model: "primary", messages: [{ role: "user" as const, content }], max_tokens: 16 };
  const signal = new AbortController().signal;
  const plan = await planCountedRequest("chat", body, models, limits, signal);
  return await serveRequest({ endpoint: "chat", body, plan, models, limits, signal, live: undefined });
}

describe("serveRequest: a fallback planned with its own count of the prompt", () => {
  it("admits a fallback that the estimate would refuse when its tokenizer counts the prompt within its window", async () => {
    // 1,200 characters: about 300 tokens by the estimate, over 256; 100 by the fallback's tokenizer.
    const content = "x".repeat(1_200);
    const { models, counted } = fallbackModels((text) => Math.ceil(text.length / 12));
    const { outcome, plan } = await serve(models, content);
    expect(plan.served.name).toBe("local");
    expect(plan.requestedModel).toBe("primary");
    expect(plan.promptTokensCounted).toBe(true);
    expect(plan.estimatedPromptTokens).toBe(100);
    expect(outcome.servedBy).toBe("local");
    expect(outcome.choices[0]?.text).toBe("from the fallback");
    expect(counted).toEqual([content]);
  });

  it("passes over a fallback whose tokenizer counts the prompt beyond its window, though the estimate fits", async () => {
    // 400 characters: about 100 tokens by the estimate; 401 by a tokenizer of one token a character.
    const content = "1".repeat(400);
    const { models, counted } = fallbackModels((text) => text.length + 1);
    const error = await serve(models, content).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ApiError);
    // No model could be tried: the primary's circuit is open, and the fallback cannot take the prompt.
    expect((error as ApiError).status).toBe(503);
    expect((error as ApiError).code).toBe("upstream_unavailable");
    expect((error as ApiError).message).toMatch(/^model primary is unavailable/);
    expect(counted).toEqual([content]);
  });
});
