import type { LanguageModelV4CallOptions, LanguageModelV4GenerateResult } from "@ai-sdk/provider";
import { MockLanguageModelV4 } from "ai/test";
import { describe, expect, it } from "vitest";
import { CapabilityError } from "../../errors/index.ts";
import type { GenerationResult } from "../../spec/index.ts";
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

  it("tells onAborted the finished calls' completions and usage, and the cut calls, then rejects with the reason", async () => {
    const controller = new AbortController();
    const base = finishingFirst(2, { heedsAbort: true, onFinished: () => controller.abort() });
    const told: GenerationResult[] = [];
    const call = createAISDKBackend(base).generate(
      { prompt, n: 3, seed: 1 },
      { signal: controller.signal, onAborted: (partial) => told.push(partial) },
    );

    await expect(call).rejects.toMatchObject({ name: "AbortError" });
    expect(base.doGenerateCalls).toHaveLength(3);
    expect(told).toHaveLength(1);
    expect(told[0]?.completions.map((completion) => [completion.index, completion.text])).toEqual([
      [0, "#### 0"],
      [1, "#### 1"],
    ]);
    // The cut call was made, so it is counted; its tokens nobody can tell, so the sums are unknown.
    expect(told[0]?.usage).toEqual({ promptTokens: undefined, completionTokens: undefined, calls: 3 });
  });

  it("does not wait past the abort for a model that does not heed its signal", async () => {
    const controller = new AbortController();
    const base = finishingFirst(1, { heedsAbort: false, onFinished: () => controller.abort() });
    const told: GenerationResult[] = [];
    const call = createAISDKBackend(base).generate(
      { prompt, n: 2 },
      { signal: controller.signal, onAborted: (partial) => told.push(partial) },
    );

    await expect(call).rejects.toMatchObject({ name: "AbortError" });
    expect(told[0]?.completions.map((completion) => completion.text)).toEqual(["#### 0"]);
    expect(told[0]?.usage.calls).toBe(2);
  });

  it("makes no call and tells nothing when aborted before it starts", async () => {
    const base = model();
    const told: GenerationResult[] = [];
    const call = createAISDKBackend(base).generate(
      { prompt, n: 2 },
      { signal: AbortSignal.abort(), onAborted: (partial) => told.push(partial) },
    );
    await expect(call).rejects.toMatchObject({ name: "AbortError" });
    expect(base.doGenerateCalls).toHaveLength(0);
    expect(told).toEqual([]);
  });

  it("rejects with a call's own failure, telling onAborted nothing, when the signal did not abort", async () => {
    const base = new MockLanguageModelV4({
      doGenerate: async () => {
        throw new Error("upstream refused");
      },
    });
    const told: GenerationResult[] = [];
    const call = createAISDKBackend(base).generate(
      { prompt, n: 2 },
      { signal: new AbortController().signal, onAborted: (partial) => told.push(partial) },
    );
    await expect(call).rejects.toThrow("upstream refused");
    expect(told).toEqual([]);
  });
});

/**
 * A model whose first `finishing` calls answer `#### <index>` at once (10 prompt and 5 output tokens each),
 * then `onFinished` is called; later calls wait for their abort signal (rejecting with its reason when they
 * heed it) or forever.
 */
function finishingFirst(
  finishing: number,
  options: { readonly heedsAbort: boolean; readonly onFinished: () => void },
): MockLanguageModelV4 {
  let started = 0;
  let finished = 0;
  return new MockLanguageModelV4({
    doGenerate: async ({
      abortSignal,
    }: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> => {
      const index = started++;
      if (index >= finishing) {
        return await new Promise<never>((_, reject) => {
          if (options.heedsAbort) abortSignal?.addEventListener("abort", () => reject(abortSignal.reason));
        });
      }
      await Promise.resolve();
      finished += 1;
      if (finished === finishing) setTimeout(options.onFinished, 0);
      return {
        content: [{ type: "text", text: `#### ${index}` }],
        finishReason: { unified: "stop", raw: "stop" },
        usage: {
          inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
          outputTokens: { total: 5, text: 5, reasoning: undefined },
        },
        warnings: [],
      };
    },
  });
}
