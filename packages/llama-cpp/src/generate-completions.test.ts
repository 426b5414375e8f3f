import type { Prompt } from "mull/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLlamaCppBackend, type LlamaCppBackend } from "./create-llama-cpp-backend.ts";
import { testModelPath } from "./test-model-path.ts";

let backend: LlamaCppBackend;

beforeAll(async () => {
  backend = await createLlamaCppBackend({ model: testModelPath(), threads: 1, sequences: 4 });
});

afterAll(async () => {
  await backend?.dispose();
});

describe("generateCompletions: an abort before the first token", () => {
  it("charges the prompt prefix a wave had already evaluated, though no completion started", async () => {
    const prompt: Prompt = {
      kind: "text",
      text: "Given Q: 12+34=? A:\n12+34=46\n#### 46\nQ: 8+9+10=? A:\n8+9=17\n17+10=27\n#### 27\nQ: 51+25=? A:",
    };
    const controller = new AbortController();
    // The call takes its sequences at once, then evaluates the shared prefix on one of them; the abort lands
    // in between, so every completion sees it before its first token.
    const pending = backend.generate(
      { prompt, n: 4, temperature: 1, seed: 3, maxTokens: 8 },
      { signal: controller.signal },
    );
    controller.abort(new Error("deadline"));
    const aborted = await pending;
    expect(
      aborted.completions.map((completion) => [completion.finishReason, completion.completionTokens]),
    ).toEqual(Array.from({ length: 4 }, () => ["abort", 0]));
    const whole = await backend.generate({ prompt, n: 1, temperature: 0, maxTokens: 1 });
    const promptLength = whole.usage.promptTokens ?? 0;
    expect(promptLength).toBeGreaterThan(20);
    // The fresh sequences cached nothing: the prefix (all but the last token) was evaluated once, for the leader.
    expect(aborted.usage).toEqual({
      promptTokens: promptLength - 1,
      completionTokens: 0,
      cachedPromptTokens: 0,
      calls: 1,
    });
  });
});
