import type { LanguageModelV4CallOptions, LanguageModelV4GenerateResult } from "@ai-sdk/provider";
import { generateText, streamText, wrapLanguageModel } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { describe, expect, it } from "vitest";
import { BudgetExhaustedError, ConfigError } from "../../errors/index.ts";
import { labProfile } from "../../lab/index.ts";
import type { SamplingSettings } from "../../spec/index.ts";
import { strategyCatalog } from "../../strategies/catalog.ts";
import { twoAgreeEntry } from "../../strategies/custom-entry.test-support.ts";
import { mullMiddleware } from "./mull-middleware.ts";
import type { MullCallSettings } from "./solve-call.ts";

/** A model whose calls answer 42 five times in eight and 41 otherwise, 10 prompt and 7 output tokens each. */
function votingModel(): MockLanguageModelV4 {
  let calls = 0;
  return new MockLanguageModelV4({
    modelId: "mock-voter",
    doGenerate: async (): Promise<LanguageModelV4GenerateResult> => {
      const answer = calls % 8 < 5 ? "42" : "41";
      calls += 1;
      return {
        content: [{ type: "text", text: `Six times seven is ${answer}.\n#### ${answer}` }],
        finishReason: { unified: "stop", raw: "stop" },
        usage: {
          inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
          outputTokens: { total: 7, text: 7, reasoning: undefined },
        },
        warnings: [],
      };
    },
  });
}

const prompt = "What is 6 * 7? End with #### <answer>.";

describe("mullMiddleware", () => {
  it("answers generateText with the majority of sc@8, usage summed over the eight samples", async () => {
    const base = votingModel();
    const model = wrapLanguageModel({
      model: base,
      middleware: mullMiddleware({ strategy: "sc@8", seed: 3 }),
    });
    const result = await generateText({ model, prompt, temperature: 0.7, maxOutputTokens: 64 });

    expect(result.text).toBe("Six times seven is 42.\n#### 42");
    expect(result.usage.inputTokens).toBe(80);
    expect(result.usage.outputTokens).toBe(56);
    expect(result.providerMetadata?.mull).toEqual({
      strategy: "sc@8",
      answer: "42",
      votes: { "42": 5, "41": 3 },
      samples: 8,
      stoppedBy: "complete",
      partial: false,
    });
    // Every sample is one call of the base model, with the call's settings and its own seed.
    expect(base.doGenerateCalls).toHaveLength(8);
    const first = base.doGenerateCalls[0] as LanguageModelV4CallOptions;
    expect(first.temperature).toBe(0.7);
    expect(first.maxOutputTokens).toBe(64);
    expect(first.prompt).toEqual([{ role: "user", content: [{ type: "text", text: prompt }] }]);
    expect(new Set(base.doGenerateCalls.map((call) => call.seed)).size).toBe(8);
  });

  it("streams the chosen text with streamText once the strategy has chosen", async () => {
    const model = wrapLanguageModel({
      model: votingModel(),
      middleware: mullMiddleware({ strategy: "sc@8" }),
    });
    const result = streamText({ model, prompt });
    let streamed = "";
    for await (const piece of result.textStream) streamed += piece;

    expect(streamed).toBe("Six times seven is 42.\n#### 42");
    expect((await result.usage).outputTokens).toBe(56);
    expect((await result.providerMetadata)?.mull?.votes).toEqual({ "42": 5, "41": 3 });
  });

  it("sends system and earlier messages as they are", async () => {
    const base = votingModel();
    const model = wrapLanguageModel({ model: base, middleware: mullMiddleware({ strategy: "sc@2" }) });
    await generateText({
      model,
      system: "Be brief.",
      messages: [
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello." },
        { role: "user", content: prompt },
      ],
    });

    expect(base.doGenerateCalls[0]?.prompt).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: [{ type: "text", text: "Hi" }] },
      { role: "assistant", content: [{ type: "text", text: "Hello." }] },
      { role: "user", content: [{ type: "text", text: prompt }] },
    ]);
  });

  it("refuses a prompt part that is not text, naming it", async () => {
    const model = wrapLanguageModel({
      model: votingModel(),
      middleware: mullMiddleware({ strategy: "sc@2" }),
    });
    const call = generateText({
      model,
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: prompt },
            { type: "file", data: new Uint8Array([1]), mediaType: "image/png" },
          ],
        },
      ],
    });

    await expect(call).rejects.toThrow(/prompt\[0\]\.content\[1\]: expected a text part, got a file part/);
  });

  it("refuses a bad strategy name when the model is wrapped", () => {
    expect(() => mullMiddleware({ strategy: "nonsense@3" })).toThrow(ConfigError);
  });

  it("runs a strategy of the caller's named by its spec through the catalog setting", async () => {
    expect(() => mullMiddleware({ strategy: "two-agree@4" })).toThrow(/unknown spec "two-agree@4"/);
    const catalog = [...strategyCatalog, twoAgreeEntry];
    const model = wrapLanguageModel({
      model: votingModel(),
      middleware: mullMiddleware({ strategy: "two-agree@4", catalog }),
    });
    const result = await generateText({ model, prompt });
    expect(result.providerMetadata?.mull).toMatchObject({ strategy: "two-agree@4", samples: 4 });
  });

  it("refuses a route its strategy would not use when the model is wrapped", () => {
    expect(() => mullMiddleware({ strategy: "sc@8", route: ["small", "large"] })).toThrow(
      'mullMiddleware: route ["small","large"] applies to routing strategies only, and "sc@8" runs on one model',
    );
  });

  it("refuses an unknown key when the model is wrapped, listing only the keys it takes", () => {
    const takes =
      "(mullMiddleware takes strategy, budget, seed, sampling, profile, answerFormat, promptTemplate, thinkingCues, scorer, prm, resolveModel, route, catalog, clock, price)";
    expect(() => mullMiddleware({ strategy: "sc@8", sed: 1 } as MullCallSettings)).toThrow(
      `mullMiddleware: sed: unknown key ${takes}`,
    );
  });

  it("refuses a budget solve would refuse when the model is wrapped, not at the first call", () => {
    const typo = { strategy: "sc@4", budget: { maxTotalToken: 5 } } as unknown as MullCallSettings;
    expect(() => mullMiddleware(typo)).toThrow(
      /^createBudget: budget\.maxTotalToken: unknown key \(budget takes maxTotalTokens, /,
    );
    expect(() => mullMiddleware({ strategy: "sc@4", budget: { maxCalls: -1 } })).toThrow(/budget\.maxCalls/);
    expect(() => mullMiddleware({ strategy: "sc@4", budget: { maxCostUsd: 1 } })).toThrow(
      /maxCostUsd.*needs token prices/,
    );
    expect(() => mullMiddleware({ strategy: "sc@4", budget: { maxMilliseconds: 100 } })).not.toThrow();
  });

  it("renders the last user message with a promptTemplate, validated as solve validates it", async () => {
    const base = votingModel();
    const model = wrapLanguageModel({
      model: base,
      middleware: mullMiddleware({
        strategy: "sc@2",
        promptTemplate: (problem) => ({
          kind: "chat",
          messages: [{ role: "user", content: `Question: ${problem.question}` }],
        }),
      }),
    });
    await generateText({ model, system: "Be brief.", prompt });
    expect(base.doGenerateCalls[0]?.prompt).toEqual([
      { role: "user", content: [{ type: "text", text: `Question: ${prompt}` }] },
    ]);
    expect(() => mullMiddleware({ strategy: "sc@2", promptTemplate: "few-shot.json" })).toThrow(
      /^mullMiddleware: promptTemplate must be a prompt template: .*; for a template file, pass await loadPromptTemplate\("few-shot\.json"\)/,
    );
  });

  it("refuses missing settings or a missing strategy, naming what it must be", () => {
    const untyped = mullMiddleware as (settings?: unknown) => unknown;
    expect(() => untyped()).toThrow(/^mullMiddleware: .*options object.*got undefined/);
    expect(() => untyped({ seed: 1 })).toThrow(/^mullMiddleware: strategy.*a strategy .* or its spec/);
    try {
      untyped({ seed: 1 });
      expect.unreachable();
    } catch (error) {
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).field).toBe("strategy");
    }
  });

  it("refuses an option solve would refuse when the model is wrapped, not at the first call", () => {
    expect(() => mullMiddleware({ strategy: "sc@8", seed: 1.5 })).toThrow(
      "mullMiddleware: seed must be an integer, got 1.5",
    );
    expect(() => mullMiddleware({ strategy: "sc@8", sampling: { temp: 0.5 } as SamplingSettings })).toThrow(
      /^mullMiddleware: sampling\.temp: unknown key/,
    );
  });

  it("builds a strategy name with the profile's scorer, as solve does, and refuses it without one", async () => {
    expect(() => mullMiddleware({ strategy: "bon@4" })).toThrow(/"bon@4" needs an outcome scorer/);
    const base = votingModel();
    const model = wrapLanguageModel({
      model: base,
      middleware: mullMiddleware({ strategy: "bon@4", profile: labProfile() }),
    });
    // The lab's checker grades a lab chain; the first four answers say 42, which 40+2 is.
    const result = await generateText({ model, prompt: "40+2=?" });
    expect(base.doGenerateCalls).toHaveLength(4);
    expect(result.providerMetadata?.mull).toMatchObject({ strategy: "bon@4", answer: "42", samples: 4 });
  });
});

/**
 * A model whose first `finishing` calls answer 42 at once (10 prompt and 7 output tokens each); later calls
 * wait for their abort signal and reject with its reason.
 */
function finishingFirst(finishing: number): MockLanguageModelV4 {
  let started = 0;
  return new MockLanguageModelV4({
    doGenerate: async ({ abortSignal }): Promise<LanguageModelV4GenerateResult> => {
      const index = started++;
      if (index >= finishing) {
        return await new Promise<never>((_, reject) => {
          abortSignal?.addEventListener("abort", () => reject(abortSignal.reason));
        });
      }
      return {
        content: [{ type: "text", text: "Six times seven is 42.\n#### 42" }],
        finishReason: { unified: "stop", raw: "stop" },
        usage: {
          inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
          outputTokens: { total: 7, text: 7, reasoning: undefined },
        },
        warnings: [],
      };
    },
  });
}

describe("mullMiddleware on an abort or a deadline", () => {
  it("answers with the samples that finished before the caller's abort, partial, counting every call", async () => {
    const base = finishingFirst(5);
    const model = wrapLanguageModel({ model: base, middleware: mullMiddleware({ strategy: "sc@8" }) });
    const result = await generateText({ model, prompt, abortSignal: AbortSignal.timeout(50), maxRetries: 0 });

    expect(result.text).toBe("Six times seven is 42.\n#### 42");
    expect(result.providerMetadata?.mull).toMatchObject({
      answer: "42",
      votes: { "42": 5 },
      samples: 5,
      stoppedBy: "abort",
      partial: true,
    });
    expect(base.doGenerateCalls).toHaveLength(8);
    // Eight calls were made; the three cut ones told no tokens, so the token sums are unknown.
    expect(result.usage.raw).toEqual({ calls: 8 });
    expect(result.usage.inputTokens).toBeUndefined();
  });

  it("answers with the samples that finished before the budget's deadline, stopped by time", async () => {
    const model = wrapLanguageModel({
      model: finishingFirst(5),
      middleware: mullMiddleware({ strategy: "sc@8", budget: { maxMilliseconds: 50 } }),
    });
    const result = await generateText({ model, prompt, maxRetries: 0 });
    expect(result.providerMetadata?.mull).toMatchObject({ samples: 5, stoppedBy: "time", partial: true });
  });

  it("rejects with the signal's reason when the caller aborted before any answer, as any model does", async () => {
    const base = finishingFirst(0);
    const model = wrapLanguageModel({ model: base, middleware: mullMiddleware({ strategy: "sc@4" }) });

    const aborted = generateText({ model, prompt, abortSignal: AbortSignal.abort(), maxRetries: 0 });
    await expect(aborted).rejects.toMatchObject({ name: "AbortError" });
    expect(base.doGenerateCalls).toHaveLength(0);
    const timedOut = generateText({ model, prompt, abortSignal: AbortSignal.timeout(20), maxRetries: 0 });
    await expect(timedOut).rejects.toMatchObject({ name: "TimeoutError" });

    let abortHeard = false;
    const streamed = streamText({
      model,
      prompt,
      abortSignal: AbortSignal.timeout(20),
      maxRetries: 0,
      onAbort: () => {
        abortHeard = true;
      },
    });
    await expect(streamed.text).rejects.toMatchObject({ name: "TimeoutError" });
    expect(abortHeard).toBe(true);
  });

  it("rejects with BudgetExhaustedError, and what was spent, when its own deadline passed before any answer", async () => {
    const model = wrapLanguageModel({
      model: finishingFirst(0),
      middleware: mullMiddleware({ strategy: "sc@4", budget: { maxMilliseconds: 20 } }),
    });
    const error = await generateText({ model, prompt, maxRetries: 0 }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(BudgetExhaustedError.isInstance(error)).toBe(true);
    expect((error as BudgetExhaustedError).reason).toBe("time");
    expect((error as BudgetExhaustedError).spent?.usage.calls).toBe(4);
  });
});
