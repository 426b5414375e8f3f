import { NoSuchModelError, type ProviderV4 } from "@ai-sdk/provider";
import { createProviderRegistry, customProvider, generateText, streamText } from "ai";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { labProfile } from "../../lab/index.ts";
import { builtinPromptTemplate } from "../../prompts/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import { createMullProvider, type MullProvider, type MullProviderOptions } from "./mull-provider.ts";

// Five of eight samples answer 42; each solution is six words, so six completion tokens.
const responses = [
  ...Array.from({ length: 5 }, () => "So it is 42.\n#### 42"),
  ...Array.from({ length: 3 }, () => "So it is 41.\n#### 41"),
];
const prompt = "What is 6 * 7?";

/** The refusal `act` throws: mull's own `ConfigError` naming the model type as its field. */
function refusedModel(act: () => unknown): ConfigError {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  return expect.unreachable("expected a ConfigError");
}

describe("createMullProvider", () => {
  it("runs the strategy of the model name on that model's backend", async () => {
    const models: string[] = [];
    const backend = createScriptedBackend({ responses, model: "qwen" });
    const mull = createMullProvider({
      backend: (model) => {
        models.push(model);
        return backend;
      },
    });
    const result = await generateText({ model: mull("sc@8:qwen"), prompt });

    expect(models).toEqual(["qwen"]);
    expect(result.text).toBe("So it is 42.\n#### 42");
    expect(result.usage.outputTokens).toBe(8 * 6);
    expect(result.providerMetadata?.mull).toMatchObject({
      answer: "42",
      votes: { "42": 5, "41": 3 },
      samples: 8,
    });
    expect(backend.calls[0]?.request.prompt).toEqual({
      kind: "chat",
      messages: [{ role: "user", content: prompt }],
    });
  });

  it("gives its route to the routing models written without one, and runs the others without it", async () => {
    const small = createScriptedBackend({ responses, model: "small" });
    const large = createScriptedBackend({ responses, model: "large" });
    const mull = createMullProvider({
      backend: createScriptedBackend({ responses, model: "one" }),
      route: ["small", "large"],
      resolveModel: (name) => (name === "small" ? small : large),
    });
    const voted = await generateText({ model: mull("sc@8"), prompt });
    expect(voted.providerMetadata?.mull).toMatchObject({ answer: "42", samples: 8 });
    const routed = await generateText({ model: mull("cascade@8"), prompt });
    expect(routed.providerMetadata?.mull).toMatchObject({ answer: "42" });
    expect(small.calls.length).toBeGreaterThan(0);
  });

  it("streams the chosen text of a bare strategy on the one backend", async () => {
    const mull = createMullProvider({ backend: createScriptedBackend({ responses }) });
    const result = streamText({ model: mull.languageModel("sc@8"), prompt });
    let streamed = "";
    for await (const piece of result.textStream) streamed += piece;

    expect(streamed).toBe("So it is 42.\n#### 42");
    expect((await result.providerMetadata)?.mull?.strategy).toBe("sc@8");
  });

  it("reports the one backend's model as the response's, and refuses a model name that is not it", async () => {
    const mull = createMullProvider({ backend: createScriptedBackend({ responses, model: "qwen" }) });
    const bare = await generateText({ model: mull("sc@8"), prompt });
    expect(bare.response.modelId).toBe("sc@8:qwen");
    const named = await generateText({ model: mull("sc@8:qwen"), prompt });
    expect(named.response.modelId).toBe("sc@8:qwen");
    expect(() => mull("sc@8:gpt-4o")).toThrow(
      'mull ai-sdk: model: "gpt-4o" is not the model of the provider\'s one backend ("qwen"); name the strategy alone or with "qwen", or pass backend as a function of the model name',
    );
    try {
      mull.languageModel("sc@8:gpt-4o");
      expect.unreachable();
    } catch (error) {
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).field).toBe("model");
    }
  });

  it("reports the model name as given when backends are per model", async () => {
    const mull = createMullProvider({ backend: () => createScriptedBackend({ responses, model: "qwen" }) });
    const result = await generateText({ model: mull("sc@8:qwen"), prompt });
    expect(result.response.modelId).toBe("sc@8:qwen");
  });

  it("refuses an unknown key when made, listing the keys it takes, and a missing backend", () => {
    const backend = createScriptedBackend({ responses });
    const make = () => createMullProvider({ backnd: backend } as unknown as MullProviderOptions);
    expect(make).toThrow(
      "backnd: unknown key (createMullProvider takes backend, budget, seed, sampling, profile, answerFormat, promptTemplate, thinkingCues, scorer, prm, resolveModel, route, catalog, clock, price)",
    );
    expect(make).toThrow(
      /createMullProvider[\s\S]*backend\b.*a backend \(an object with describe, capabilities and generate methods\) or a function from a model name to its backend/,
    );
    // The model name gives the strategy.
    expect(() => createMullProvider({ backend, strategy: "sc@8" } as MullProviderOptions)).toThrow(
      /^createMullProvider: strategy: unknown key \(createMullProvider takes backend, /,
    );
  });

  it("refuses missing options, a backend of the wrong kind and a model name that is not a string", () => {
    const untyped = createMullProvider as (options?: unknown) => MullProvider;
    expect(() => untyped()).toThrow(/^createMullProvider: .*options object.*got undefined/);
    expect(() => untyped({ backend: 5 })).toThrow(
      "createMullProvider: backend must be a backend (an object with describe, capabilities and generate methods) or a function from a model name to its backend, got 5",
    );
    expect(() => untyped({ backend: createScriptedBackend({ responses }), seed: "1" })).toThrow(
      /^createMullProvider: seed must be an integer/,
    );
    const mull = createMullProvider({ backend: createScriptedBackend({ responses }) });
    expect(() => mull(5 as unknown as string)).toThrow(
      'mull ai-sdk: model must be a model name such as "sc@8" or "sc@8:qwen2.5-7b", got 5',
    );
  });

  it("builds a model's strategy with the profile's scorer, as solve does", async () => {
    const mull = createMullProvider({ backend: createScriptedBackend({ responses }) });
    expect(() => mull("bon@4")).toThrow(/"bon@4" needs an outcome scorer/);
    const withProfile = createMullProvider({
      backend: createScriptedBackend({ responses }),
      profile: labProfile(),
    });
    const result = await generateText({ model: withProfile("bon@4"), prompt: "40+2=?" });
    expect(result.providerMetadata?.mull).toMatchObject({ strategy: "bon@4", answer: "42", samples: 4 });
  });

  it("refuses an unknown strategy, and a bare strategy when backends are per model", () => {
    const one = createMullProvider({ backend: createScriptedBackend({ responses }) });
    expect(() => one("nonsense@3:qwen")).toThrow(ConfigError);
    const perModel = createMullProvider({ backend: () => createScriptedBackend({ responses }) });
    expect(() => perModel("sc@8")).toThrow(/expected "<strategy>:<model>"/);
  });

  it("refuses a budget solve would refuse when made, not at the first call", () => {
    const backend = createScriptedBackend({ responses });
    const typo = { backend, budget: { maxTotalToken: 5 } } as unknown as MullProviderOptions;
    expect(() => createMullProvider(typo)).toThrow(
      /^createBudget: budget\.maxTotalToken: unknown key \(budget takes maxTotalTokens, /,
    );
    expect(() => createMullProvider({ backend, budget: { maxTotalTokens: 1.5e3 } })).not.toThrow();
  });

  it("prompts a backend without chat in its profile's format, from the last user message", async () => {
    const backend = createScriptedBackend({
      responses: ["40+2=42\n#### 42"],
      capabilities: { chat: false, completion: true },
    });
    const mull = createMullProvider({ backend, profile: labProfile() });
    const result = await generateText({ model: mull("sc@2"), system: "Be brief.", prompt: "40+2=?" });

    expect(backend.calls[0]?.request.prompt).toEqual({ kind: "text", text: "Q: 40+2=? A:" });
    expect(result.providerMetadata?.mull).toMatchObject({ answer: "42", samples: 2 });
    // A question the lab's format cannot take is refused before any call, saying what it takes.
    const made = backend.calls.length;
    const refused = generateText({ model: mull("sc@2"), prompt: "Write a poem.", maxRetries: 0 });
    await expect(refused).rejects.toThrow(
      /^mull ai-sdk: prompt: expected arithmetic chains such as "37\+48-19=\?" in the last user message; /,
    );
    expect(backend.calls).toHaveLength(made);
  });

  it("sends the chat as it is to a backend that takes chat, profile or not, and renders a promptTemplate", async () => {
    const chat = createScriptedBackend({ responses });
    await generateText({
      model: createMullProvider({ backend: chat, profile: labProfile() })("sc@2"),
      prompt,
    });
    expect(chat.calls[0]?.request.prompt).toEqual({
      kind: "chat",
      messages: [{ role: "user", content: prompt }],
    });

    const templated = createScriptedBackend({ responses });
    const mull = createMullProvider({ backend: templated, promptTemplate: "gsm8k" });
    await generateText({ model: mull("sc@2"), prompt });
    expect(templated.calls[0]?.request.prompt).toEqual(
      builtinPromptTemplate("gsm8k")?.render({ question: prompt }),
    );
    expect(templated.calls[0]?.request.prompt).not.toEqual(chat.calls[0]?.request.prompt);
    expect(() => createMullProvider({ backend: templated, promptTemplate: 5 as unknown as string })).toThrow(
      /^createMullProvider: promptTemplate must be a prompt template: /,
    );
  });

  describe("as an AI SDK provider", () => {
    const logged: unknown[] = [];
    const global = globalThis as { AI_SDK_LOG_WARNINGS?: unknown };
    afterEach(() => {
      delete global.AI_SDK_LOG_WARNINGS;
      logged.length = 0;
    });

    it("is registered as it is, and a registry's models run its strategies, with no compatibility warning", async () => {
      global.AI_SDK_LOG_WARNINGS = (options: unknown) => logged.push(options);
      const mull = createMullProvider({ backend: createScriptedBackend({ responses, model: "qwen" }) });
      // Compiles only while the provider is the provider type of the installed AI SDK.
      const provider: ProviderV4 = mull;
      expect(provider.specificationVersion).toBe("v4");
      const registry = createProviderRegistry({ mull });
      const model = registry.languageModel("mull:sc@2");
      expect(model).toMatchObject({ specificationVersion: "v4", provider: "mull", modelId: "sc@2" });
      const result = await generateText({ model, prompt });
      expect(result.response.modelId).toBe("sc@2:qwen");
      expect(result.providerMetadata?.mull).toMatchObject({ strategy: "sc@2", answer: "42", samples: 2 });
      const fallback = customProvider({ fallbackProvider: mull });
      expect(fallback.languageModel("sc@8:qwen").modelId).toBe("sc@8:qwen");
      expect(logged).toEqual([]);
    });

    it("refuses embedding and image models, naming the model and its type", () => {
      const mull = createMullProvider({ backend: createScriptedBackend({ responses }) });
      const registry = createProviderRegistry({ mull });
      const embedding = refusedModel(() => registry.embeddingModel("mull:text-embedding-3-small"));
      expect(embedding.field).toBe("embeddingModel");
      expect(embedding.message).toBe(
        'mull ai-sdk: embeddingModel: "text-embedding-3-small" is not a model mull serves; expected a language ' +
          'model (languageModel("sc@8"), languageModel("sc@8:qwen2.5-7b")): mull serves no embedding models',
      );
      const image = refusedModel(() => registry.imageModel("mull:sc@8"));
      expect(image.field).toBe("imageModel");
      expect(image.message).toMatch(/^mull ai-sdk: imageModel: "sc@8" is not a model mull serves; /);
      expect(refusedModel(() => mull.embeddingModel("x")).field).toBe("embeddingModel");
      const fallback = customProvider({ fallbackProvider: mull });
      expect(refusedModel(() => fallback.imageModel("x")).field).toBe("imageModel");
      // Model types it leaves out are refused by the registry itself, with the AI SDK's own error.
      try {
        registry.transcriptionModel("mull:whisper-1");
        expect.unreachable("expected a NoSuchModelError");
      } catch (error) {
        expect(NoSuchModelError.isInstance(error)).toBe(true);
      }
    });
  });
});
