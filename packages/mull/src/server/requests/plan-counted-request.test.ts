import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { defaultModelProfile } from "../../generation/index.ts";
import type { Prompt } from "../../spec/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import { modelEntries, parseServerConfig } from "../config/index.ts";
import { createServer } from "../create-server.ts";
import { ApiError } from "../http/index.ts";
import { buildServedModels, type ServedModel } from "../upstreams/index.ts";
import { countedEstimateFactor } from "./count-prompt-tokens.ts";
import { planCountedRequest } from "./plan-counted-request.ts";
import { planRequest } from "./plan-request.ts";

const limits = parseServerConfig({
  limits: { defaultMaxTokens: 64, maxRequestTokens: 100_000 },
  upstreams: [{ name: "up", baseUrl: "https://llm.example.com/v1", models: ["m"] }],
}).limits;

function textOf(prompt: Prompt): string {
  return prompt.kind === "text" ? prompt.text : prompt.messages.map((message) => message.content).join("");
}

/**
 * A served model of a 256-token window whose backend counts one token per character plus one
 * beginning-of-sequence token, as the lab models' tokenizer does; `counted` holds the prompts it counted.
 */
function characterModel(overrides: Partial<ServedModel> = {}) {
  const counted: string[] = [];
  const scripted = createScriptedBackend({ answers: { distribution: { "4": 1 } } });
  const served: ServedModel = {
    name: "m",
    upstream: "up",
    backend: {
      ...scripted,
      countTokens: async (prompt) => {
        counted.push(textOf(prompt));
        return textOf(prompt).length + 1;
      },
    },
    kind: "embedded",
    profile: defaultModelProfile,
    contextWindow: 256,
    scorer: undefined,
    ...overrides,
  };
  return { served, models: new Map([["m", served]]), counted, scripted };
}

const ask = (content: string, maxTokens?: number) => ({
  model: "m",
  messages: [{ role: "user" as const, content }],
  ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
});

async function refusal(plan: Promise<unknown>): Promise<ApiError> {
  const error = await plan.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (error instanceof ApiError) return error;
  throw error ?? new Error("expected the request to be refused");
}

describe("the estimate of a prompt's tokens (backends that cannot count)", () => {
  it("divides characters by the model's own charactersPerToken, else the server's", () => {
    const { served } = characterModel();
    const uncounted = {
      ...served,
      backend: createScriptedBackend({ answers: { distribution: { "4": 1 } } }),
    };
    const content = "1".repeat(400);
    // The server's 4 characters a token: 100 tokens, which leave 156 of the window.
    const plain = planRequest("chat", ask(content), new Map([["m", uncounted]]), limits);
    expect(plain.estimatedPromptTokens).toBe(100);
    expect(plain.promptTokensCounted).toBeUndefined();
    expect(plain.maxTokens).toBe(64);
    // One character a token (a lab model): 400 tokens, over the window, refused naming both numbers.
    const dense = new Map([["m", { ...uncounted, charactersPerToken: 1 }]]);
    const error = (() => {
      try {
        planRequest("chat", ask(content, 16), dense, limits);
      } catch (thrown) {
        return thrown as ApiError;
      }
      throw new Error("expected a refusal");
    })();
    expect(error.status).toBe(400);
    expect(error.code).toBe("context_length_exceeded");
    expect(error.message).toBe(
      "the prompt (about 400 tokens) plus max_tokens (16) is 416 tokens, over the context window of 256 tokens of model m",
    );
    // Two and a half characters a token: 160, which leave 96 for a completion.
    const wide = new Map([["m", { ...uncounted, charactersPerToken: 2.5 }]]);
    expect(planRequest("chat", ask(content), wide, limits).estimatedPromptTokens).toBe(160);
  });

  it("takes charactersPerToken per model from the configuration, and refuses a bad one naming its field", async () => {
    const config = parseServerConfig({
      upstreams: [
        {
          name: "up",
          baseUrl: "https://llm.example.com/v1",
          models: ["plain", { name: "lab-small", charactersPerToken: 1, contextWindow: 256 }],
        },
      ],
    });
    const [upstream] = config.upstreams;
    expect(modelEntries(upstream!).map((entry) => entry.charactersPerToken)).toEqual([undefined, 1]);
    const built = await buildServedModels(config, { environment: {} });
    try {
      const models = new Map(built.models.map((model) => [model.name, model]));
      expect(models.get("lab-small")?.charactersPerToken).toBe(1);
      // An HTTP upstream cannot count: the estimate, at the model's one character a token, decides.
      const question = "1+1-1+1-1+1-1+1-1+1-1+1-1+1-1+1";
      const plan = await planCountedRequest(
        "chat",
        { model: "lab-small", messages: [{ role: "user", content: question }] },
        models,
        config.limits,
      );
      expect(plan.estimatedPromptTokens).toBe(question.length);
      expect(plan.promptTokensCounted).toBeUndefined();
    } finally {
      await built.dispose();
    }
    let error: unknown;
    try {
      parseServerConfig({
        upstreams: [
          {
            name: "up",
            baseUrl: "https://llm.example.com/v1",
            models: [{ name: "m", charactersPerToken: 0 }],
          },
        ],
      });
    } catch (thrown) {
      error = thrown;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/upstreams\[0\]\.models\[0\]\.charactersPerToken/);
  });
});

describe("planCountedRequest", () => {
  it("refuses, with the counted numbers, a prompt the estimate lets through but the tokenizer finds too long", async () => {
    const { models, counted } = characterModel();
    const content = "1".repeat(300);
    // The estimate (75 tokens) plus 16 fits the 256-token window.
    expect(planRequest("chat", ask(content, 16), models, limits).estimatedPromptTokens).toBe(75);
    const error = await refusal(planCountedRequest("chat", ask(content, 16), models, limits));
    expect(counted).toEqual([content]);
    expect(error.status).toBe(400);
    expect(error.code).toBe("context_length_exceeded");
    expect(error.param).toBe("messages");
    expect(error.message).toBe(
      "the prompt (301 tokens, counted by the model's tokenizer) plus max_tokens (16) is 317 tokens, over the context window of 256 tokens of model m",
    );
  });

  it("plans with the counted tokens: the default max_tokens is what the window leaves after them", async () => {
    const { models } = characterModel();
    const plan = await planCountedRequest("chat", ask("1".repeat(200)), models, limits);
    expect(plan.estimatedPromptTokens).toBe(201);
    expect(plan.promptTokensCounted).toBe(true);
    expect(plan.maxTokens).toBe(55);
    expect(plan.worstCaseTokens).toBe(256);
  });

  it("lets through a prompt the estimate refuses when the tokenizer finds it fits", async () => {
    const { served } = characterModel();
    // A tokenizer of ten characters a token: the estimate (4 a token) overcounts.
    const models = new Map([
      [
        "m",
        {
          ...served,
          backend: {
            ...served.backend,
            countTokens: async (prompt: Prompt) => Math.ceil(textOf(prompt).length / 10),
          },
        },
      ],
    ]);
    const content = "x".repeat(1000);
    expect(() => planRequest("chat", ask(content, 16), models, limits)).toThrow(/about 250 tokens/);
    const plan = await planCountedRequest("chat", ask(content, 16), models, limits);
    expect(plan.estimatedPromptTokens).toBe(100);
    expect(plan.maxTokens).toBe(16);
  });

  it("counts the request's whole worst case against the per-request cap with the counted tokens", async () => {
    const { models } = characterModel({ contextWindow: undefined });
    const capped = { ...limits, maxRequestTokens: 2000 };
    const body = { ...ask("1".repeat(400), 64), n: 4 };
    // Estimated: 4 × (100 + 64) = 656, under the cap; counted: 4 × (401 + 64) = 1860, also under.
    expect((await planCountedRequest("chat", body, models, capped)).worstCaseTokens).toBe(1860);
    const error = await refusal(planCountedRequest("chat", { ...body, n: 5 }, models, capped));
    expect(error.code).toBe("budget_exceeded");
    expect(error.message).toMatch(
      /^this request may use up to 2325 tokens \(5 samples × \(401 prompt \+ 64 max_tokens\)\)/,
    );
  });

  it("does not count a prompt whose estimate is beyond the bound, and keeps the estimate's refusal", async () => {
    const { models, counted } = characterModel();
    const beyond = "x".repeat(4 * (countedEstimateFactor * 256 + 1));
    const error = await refusal(planCountedRequest("chat", ask(beyond, 16), models, limits));
    expect(counted).toEqual([]);
    expect(error.message).toMatch(/^the prompt \(about 513 tokens\) plus max_tokens/);
    // Just within the bound it is counted.
    await refusal(
      planCountedRequest("chat", ask("x".repeat(4 * countedEstimateFactor * 256), 16), models, limits),
    );
    expect(counted).toHaveLength(1);
  });

  it("keeps the estimate when the backend cannot count the prompt, and stops when the request is aborted", async () => {
    const { served } = characterModel();
    const failing = new Map([
      [
        "m",
        {
          ...served,
          backend: {
            ...served.backend,
            countTokens: async () => {
              throw new ConfigError("prompt.messages: no chat template", { field: "prompt.messages" });
            },
          },
        },
      ],
    ]);
    const plan = await planCountedRequest("chat", ask("1".repeat(300), 16), failing, limits);
    expect(plan.estimatedPromptTokens).toBe(75);
    expect(plan.promptTokensCounted).toBeUndefined();
    const controller = new AbortController();
    const reason = new DOMException("the client disconnected", "AbortError");
    controller.abort(reason);
    const listening = new Map([
      [
        "m",
        {
          ...served,
          backend: {
            ...served.backend,
            countTokens: async (_prompt: Prompt, options?: { signal?: AbortSignal | undefined }) => {
              options?.signal?.throwIfAborted();
              return 1;
            },
          },
        },
      ],
    ]);
    await expect(
      planCountedRequest("chat", ask("1+1", 16), listening, limits, controller.signal),
    ).rejects.toBe(reason);
  });

  it("refuses through the server with 400 before any call to the model", async () => {
    const { served, scripted } = characterModel();
    const server = createServer({
      config: parseServerConfig({
        server: { logLevel: "silent" },
        upstreams: [{ name: "up", baseUrl: "https://llm.example.com/v1", models: ["m"] }],
      }),
      models: [served],
      apiKeys: ["sk-count"],
      logger: pino({ level: "silent" }),
    });
    const response = await server.app.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-count" },
      body: JSON.stringify(ask("1".repeat(300), 16)),
    });
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(response.status).toBe(400);
    expect(body.error.code).toBe("context_length_exceeded");
    expect(body.error.message).toMatch(
      /\(301 tokens, counted by the model's tokenizer\).* 317 tokens, over the context window of 256/,
    );
    expect(scripted.calls).toHaveLength(0);
  });
});
