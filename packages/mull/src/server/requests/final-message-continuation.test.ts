import { describe, expect, it } from "vitest";
import { defaultModelProfile } from "../../generation/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import { parseServerConfig } from "../config/index.ts";
import { ApiError } from "../http/index.ts";
import type { ServedModel } from "../upstreams/index.ts";
import { planRequest, requestPromptOf } from "./plan-request.ts";
import type { ChatRequestBody } from "./request-schema.ts";

const { limits } = parseServerConfig({
  limits: { maxSamples: 64, maxTokens: 200, defaultMaxTokens: 100, maxRequestTokens: 30_000 },
  upstreams: [{ name: "up", baseUrl: "https://llm.example.com/v1", models: ["m"] }],
});
const served: ServedModel = {
  name: "m",
  upstream: "up",
  backend: createScriptedBackend({ answers: { distribution: { "42": 1 } } }),
  kind: "openai-compatible",
  profile: defaultModelProfile,
  contextWindow: undefined,
  scorer: undefined,
};
const models = new Map([["m", served]]);
/** A conversation that ends with the assistant's words, to be continued (as `/v1/messages` maps a prefill). */
const prefilled = (fields: Partial<ChatRequestBody> = {}): ChatRequestBody => ({
  model: "m",
  messages: [
    { role: "user", content: "What is 6 * 7?" },
    { role: "assistant", content: "The answer is" },
  ],
  max_tokens: 64,
  continueFinalMessage: { param: "messages[1]" },
  ...fields,
});

function refusal(plan: () => unknown): ApiError {
  try {
    plan();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected the request to be refused");
}

describe("a chat whose final assistant message is continued", () => {
  it("is prompted to continue that message when served without a strategy", () => {
    const plan = planRequest("chat", prefilled(), models, limits);
    expect(plan.strategy).toBeUndefined();
    expect(plan.prompt).toEqual({
      kind: "chat",
      messages: [
        { role: "user", content: "What is 6 * 7?" },
        { role: "assistant", content: "The answer is" },
      ],
      continueFinalMessage: true,
    });
    // The same conversation without the front end's ask is plain history.
    const { continueFinalMessage: _, ...history } = prefilled();
    expect(planRequest("chat", history, models, limits).prompt).not.toHaveProperty("continueFinalMessage");
    // Counted as it is sent (`/v1/messages/count_tokens`).
    expect(requestPromptOf("chat", prefilled(), models, limits).prompt).toMatchObject({
      continueFinalMessage: true,
    });
  });

  it("is refused under a strategy, naming the message, rather than answered without it", () => {
    const error = refusal(() =>
      planRequest("chat", prefilled({ model: "sc@3:m", temperature: 0.7 }), models, limits),
    );
    expect(error.status).toBe(400);
    expect(error.param).toBe("messages[1]");
    expect(error.code).toBe("unsupported_parameter");
    expect(error.message).toBe(
      "messages[1] ends the conversation with the assistant's words to be continued (a prefill), which only a request without a strategy does: strategy sc@3 samples answers of its own to the last user message; send the prefill to the bare model, or leave it out",
    );
  });

  it("is refused where mull would keep a thinking budget by budget forcing, and served where the upstream keeps it", () => {
    const budgeted = prefilled({ mull: { reasoning_budget: 20 } });
    const error = refusal(() => planRequest("chat", budgeted, models, limits));
    expect(error.param).toBe("messages[1]");
    expect(error.message).toMatch(/by budget forcing, strategy force@20, which writes its traces afresh/);
    const vllm = new Map([["m", { ...served, reasoningBudgetField: "thinking_token_budget" }]]);
    const plan = planRequest("chat", budgeted, vllm, limits);
    expect(plan.strategy).toBeUndefined();
    expect(plan.extraBody).toEqual({ thinking_token_budget: 20 });
    expect(plan.prompt).toMatchObject({ continueFinalMessage: true });
  });

  it("is refused by a model prompted with its own template from the last user message", () => {
    const templated = new Map([
      [
        "m",
        {
          ...served,
          profile: {
            ...defaultModelProfile,
            promptTemplate: ({ question }: { question: string }) => ({
              kind: "text" as const,
              text: `Q: ${question} A:`,
            }),
          },
        },
      ],
    ]);
    const error = refusal(() => planRequest("chat", prefilled(), templated, limits));
    expect(error.status).toBe(400);
    expect(error.param).toBe("messages[1]");
    expect(error.message).toMatch(/model m is prompted with its own template from the last user message/);
  });
});
