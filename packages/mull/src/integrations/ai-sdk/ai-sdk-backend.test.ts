import { MockLanguageModelV4 } from "ai/test";
import { describe, expect, it } from "vitest";
import { CapabilityError } from "../../errors/index.ts";
import { createAISDKBackend } from "./ai-sdk-backend.ts";

function model(): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    modelId: "mock",
    doGenerate: {
      content: [
        { type: "reasoning", text: "thinking" },
        { type: "text", text: "#### 7" },
      ],
      finishReason: { unified: "length", raw: "max_tokens" },
      usage: {
        inputTokens: { total: 12, noCache: 9, cacheRead: 3, cacheWrite: undefined },
        outputTokens: { total: 4, text: 4, reasoning: undefined },
      },
      warnings: [],
    },
  });
}

const prompt = { kind: "chat", messages: [{ role: "user", content: "3+4?" }] } as const;

describe("createAISDKBackend", () => {
  it("makes one doGenerate call per completion, mapping settings, text and usage", async () => {
    const base = model();
    const result = await createAISDKBackend(base).generate({
      prompt,
      n: 3,
      temperature: 0.5,
      topP: 0.9,
      topK: 20,
      maxTokens: 32,
      stop: ["\n\n"],
      seed: 10,
    });

    expect(base.doGenerateCalls.map((call) => call.seed)).toEqual([10, 11, 12]);
    expect(base.doGenerateCalls[0]).toMatchObject({
      temperature: 0.5,
      topP: 0.9,
      topK: 20,
      maxOutputTokens: 32,
      stopSequences: ["\n\n"],
    });
    expect(result.completions.map((completion) => completion.text)).toEqual(["#### 7", "#### 7", "#### 7"]);
    expect(result.completions[0]).toMatchObject({ finishReason: "length", completionTokens: 4 });
    expect(result.usage).toEqual({ promptTokens: 36, completionTokens: 12, cachedPromptTokens: 9, calls: 3 });
  });

  it("says it has no log-probabilities, and refuses a request for them", async () => {
    const backend = createAISDKBackend(model());
    expect(await backend.capabilities()).toMatchObject({ logprobs: false, score: false, n: false });
    await expect(backend.generate({ prompt, logprobs: true })).rejects.toThrow(CapabilityError);
    await expect(backend.generate({ prompt: { kind: "text", text: "3+4=" } })).rejects.toThrow(
      /"completion"/,
    );
  });
});
