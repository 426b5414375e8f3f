import { describe, expect, it } from "vitest";
import type { Prompt } from "../spec/index.ts";
import { testStrategyContext } from "../testing/index.ts";
import { characterTokensBackend } from "./character-tokens-backend.test-support.ts";
import { estimatePromptTokens, promptTokens } from "./prompt-tokens.ts";

// 20 characters: 20 tokens to a tokenizer of single characters, 5 by the estimate.
const prompt: Prompt = { kind: "text", text: "Q: 123+45+67+89=? A:" };

describe("estimatePromptTokens", () => {
  it("estimates four characters a token, rounding up, over a chat prompt's messages together", () => {
    expect(prompt.text.length).toBe(20);
    expect(estimatePromptTokens(prompt)).toBe(5);
    expect(
      estimatePromptTokens({
        kind: "chat",
        messages: [
          { role: "system", content: "abcde" },
          { role: "user", content: "fghi" },
        ],
      }),
    ).toBe(3);
  });
});

describe("promptTokens", () => {
  it("counts with the backend when the budget limits total tokens", async () => {
    const backend = characterTokensBackend({ completionTokens: 1 });
    const context = testStrategyContext({ backend, limits: { maxTotalTokens: 30 } });
    expect(await promptTokens(context, prompt)).toEqual({ tokens: 20, counted: true });
    expect(backend.counted).toEqual([prompt]);
  });

  it("counts with the backend when the budget limits money at its prices, which the prompt costs", async () => {
    const backend = characterTokensBackend({ completionTokens: 1 });
    const price = { promptUsdPerMillion: 1, completionUsdPerMillion: 1 };
    const priced = testStrategyContext({ backend, limits: { maxCostUsd: 0.001 }, price });
    expect(await promptTokens(priced, prompt)).toEqual({ tokens: 20, counted: true });
    expect(backend.counted).toEqual([prompt]);
  });

  it("estimates without asking the backend when no limit counts the prompt", async () => {
    const backend = characterTokensBackend({ completionTokens: 1 });
    const context = testStrategyContext({ backend, limits: { maxCompletionTokens: 30 } });
    expect(await promptTokens(context, prompt)).toEqual({ tokens: 5, counted: false });
    expect(backend.counted).toEqual([]);
  });

  it("estimates on a backend that cannot count", async () => {
    const backend = characterTokensBackend({ completionTokens: 1, counts: false });
    const context = testStrategyContext({ backend, limits: { maxTotalTokens: 30 } });
    expect(await promptTokens(context, prompt)).toEqual({ tokens: 5, counted: false });
  });

  it("falls back to the estimate when counting fails, leaving the refusal to the call", async () => {
    const backend = {
      ...characterTokensBackend({ completionTokens: 1 }),
      countTokens: async () => {
        throw new Error("this model has no chat template");
      },
    };
    const context = testStrategyContext({ backend, limits: { maxTotalTokens: 30 } });
    expect(await promptTokens(context, prompt)).toEqual({ tokens: 5, counted: false });
  });
});
