import { generateText, streamText } from "ai";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import { createMullProvider } from "./mull-provider.ts";

// Five of eight samples answer 42; each solution is six words, so six completion tokens.
const responses = [
  ...Array.from({ length: 5 }, () => "So it is 42.\n#### 42"),
  ...Array.from({ length: 3 }, () => "So it is 41.\n#### 41"),
];
const prompt = "What is 6 * 7?";

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

  it("refuses an unknown strategy, and a bare strategy when backends are per model", () => {
    const one = createMullProvider({ backend: createScriptedBackend({ responses }) });
    expect(() => one("nonsense@3:qwen")).toThrow(ConfigError);
    const perModel = createMullProvider({ backend: () => createScriptedBackend({ responses }) });
    expect(() => perModel("sc@8")).toThrow(/expected "<strategy>:<model>"/);
  });
});
