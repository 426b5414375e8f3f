import { describe, expect, it } from "vitest";
import type { Backend, CallOptions, GenerationEvent, GenerationRequest, Prompt } from "../spec/index.ts";
import { createScriptedBackend, testStrategyContext } from "../testing/index.ts";
import { countedPromptUsage } from "./counted-prompt-usage.ts";
import { generateRecorded } from "./generate-recorded.ts";
import { sampleCandidates } from "./sample-candidates.ts";

const problem = { question: "What is 6 × 7?" };
const watchCompletion = () => () => "continue" as const;

/** A token a character, as the lab models' tokenizer counts. */
function charactersOf(prompt: Prompt): number {
  return prompt.kind === "text"
    ? prompt.text.length
    : prompt.messages.reduce((sum, message) => sum + message.content.length, 0);
}

/**
 * A backend like an HTTP one whose streams are cut before the server's usage: it writes `tokens` through
 * the watcher, holds the request until its signal aborts, tells `onAborted` what it had received (the
 * prompt unknown) and rejects with the signal's reason. It counts prompts a token a character, or not at all.
 */
function cutStreamBackend(tokens: readonly string[], counts: boolean): Backend {
  const scripted = createScriptedBackend({ responses: ["unused"] });
  return {
    describe: () => ({ kind: "cut-stream", model: "cut-model" }),
    capabilities: async () => ({ ...(await scripted.capabilities()), n: false, watchTokens: true }),
    generate: (_request: GenerationRequest, options?: CallOptions) =>
      new Promise((_, reject) => {
        for (const token of tokens) options?.watch?.(0, { token, logprob: -0.5 });
        options?.signal?.addEventListener("abort", () => {
          options.onAborted?.({
            completions: [
              { index: 0, text: tokens.join(""), finishReason: "abort", completionTokens: tokens.length },
            ],
            usage: { promptTokens: undefined, completionTokens: tokens.length, calls: 1 },
            model: "cut-model",
          });
          reject(options.signal?.reason);
        });
      }),
    ...(counts ? { countTokens: async (prompt: Prompt) => charactersOf(prompt) } : {}),
  };
}

describe("countedPromptUsage", () => {
  it("charges each request of a call the counted prompt when the usage does not tell it", () => {
    expect(countedPromptUsage({ promptTokens: undefined, completionTokens: 3, calls: 1 }, 19)).toEqual({
      promptTokens: 19,
      completionTokens: 3,
      calls: 1,
    });
    expect(
      countedPromptUsage({ promptTokens: undefined, completionTokens: 7, calls: 3 }, 19).promptTokens,
    ).toBe(57);
  });

  it("keeps a prompt the backend told, a call never sent and a prompt nothing counted as they are", () => {
    const told = { promptTokens: 12, completionTokens: 3, calls: 1 };
    expect(countedPromptUsage(told, 19)).toBe(told);
    const unsent = { promptTokens: undefined, completionTokens: 0, calls: 0 };
    expect(countedPromptUsage(unsent, 19)).toBe(unsent);
    const uncounted = { promptTokens: undefined, completionTokens: 3, calls: 1 };
    expect(countedPromptUsage(uncounted, undefined)).toBe(uncounted);
  });
});

describe("a call cut after it was sent, its stream's usage never come", () => {
  it("is charged the counted prompt (generateRecorded's countedPromptTokens) on a cut", async () => {
    const context = testStrategyContext({ backend: cutStreamBackend(["six", " sevens"], false) });
    const cut = new AbortController();
    const call = generateRecorded({
      context,
      prompt: { kind: "text", text: "Q: 6 × 7? A:" },
      n: 1,
      watch: () => "continue",
      cut: cut.signal,
      countedPromptTokens: 11,
    });
    await new Promise((resolve) => setImmediate(resolve));
    cut.abort(new Error("decided"));
    const result = await call;
    const usage = { promptTokens: 11, completionTokens: 2, calls: 1 };
    expect(result.usage).toEqual(usage);
    expect(context.budget.spent().usage).toEqual(usage);
    const recorded = context.tracer
      .events()
      .filter((event): event is GenerationEvent => event.type === "generation");
    expect(recorded[0]?.usage).toEqual(usage);
  });

  it("is charged the counted prompt on the run's abort too, with no note of unknown counts", async () => {
    const controller = new AbortController();
    const context = testStrategyContext({
      backend: cutStreamBackend(["six"], false),
      signal: controller.signal,
    });
    const call = generateRecorded({
      context,
      prompt: { kind: "text", text: "Q: 6 × 7? A:" },
      n: 1,
      countedPromptTokens: 11,
    });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error("caller gave up"));
    const result = await call;
    expect(result.stoppedBy).toBe("abort");
    expect(context.budget.spent().usage).toEqual({ promptTokens: 11, completionTokens: 1, calls: 1 });
    const notes = context.tracer.events().filter((event) => event.type === "note");
    expect(notes).toEqual([]);
  });

  it("gets the prompt sampleCandidates counted under a token budget", async () => {
    const context = testStrategyContext({
      backend: cutStreamBackend(["six", " sevens", " make"], true),
      limits: { maxTotalTokens: 10_000 },
    });
    const cut = new AbortController();
    const sampling = sampleCandidates({ problem, n: 1, context, watchCompletion, cut: cut.signal });
    await new Promise((resolve) => setTimeout(resolve, 5));
    cut.abort(new Error("decided"));
    const result = await sampling;
    expect(result.candidates[0]).toMatchObject({ finishReason: "cut", completionTokens: 3 });
    const prompt = context.promptTemplate(problem);
    expect(context.budget.spent().usage).toEqual({
      promptTokens: charactersOf(prompt),
      completionTokens: 3,
      calls: 1,
    });
  });

  it("leaves the prompt unknown where the backend could not count it", async () => {
    const context = testStrategyContext({
      backend: cutStreamBackend(["six"], false),
      limits: { maxTotalTokens: 10_000 },
    });
    const cut = new AbortController();
    const sampling = sampleCandidates({ problem, n: 1, context, watchCompletion, cut: cut.signal });
    await new Promise((resolve) => setTimeout(resolve, 5));
    cut.abort(new Error("decided"));
    await sampling;
    expect(context.budget.spent().usage).toMatchObject({ promptTokens: undefined, completionTokens: 1 });
  });
});
