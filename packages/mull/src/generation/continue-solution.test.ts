import { describe, expect, it } from "vitest";
import { seededRng } from "../runtime/index.ts";
import type { StrategyContext } from "../spec/index.ts";
import { testStrategyContext } from "../testing/index.ts";
import { characterTokensBackend } from "./character-tokens-backend.test-support.ts";
import { continueSolution } from "./continue-solution.ts";

// With the 2 characters written: a 22-character continuation prompt.
const prompt = { kind: "text", text: "Q: 123+45+67+89=? A:" } as const;
const written = "12";

function totalOf(context: StrategyContext): number {
  const spent = context.budget.spent().usage;
  return (spent.promptTokens ?? 0) + (spent.completionTokens ?? 0);
}

describe("continueSolution under a total-token limit", () => {
  it("continues when the counted prompt and maxTokens fit, and charges what it read and wrote", async () => {
    const backend = characterTokensBackend({ completionTokens: 8 });
    const context = testStrategyContext({ backend, limits: { maxTotalTokens: 30 }, seed: 4 });
    const result = await continueSolution({ context, prompt, written, maxTokens: 8, requiredBy: "test" });
    expect(backend.counted).toEqual([{ kind: "text", text: `${prompt.text}${written}` }]);
    expect(result.piece?.written).toBe(`${written}7 7 7 7 7 7 7 7`);
    expect(backend.calls[0]!.request).toMatchObject({ maxTokens: 8, seed: seededRng(4).nextSeed() });
    expect(totalOf(context)).toBe(30);
  });

  it("lowers maxTokens to what the counted prompt leaves, and a piece that fits there comes back", async () => {
    const backend = characterTokensBackend({ completionTokens: 6 });
    const context = testStrategyContext({ backend, limits: { maxTotalTokens: 30 } });
    const result = await continueSolution({ context, prompt, written, maxTokens: 10, requiredBy: "test" });
    // 30 − 22 = 8 left of the 10 asked: the 6-token piece ends on its own within them.
    expect(backend.calls[0]!.request.maxTokens).toBe(8);
    expect(result).toMatchObject({ stoppedBy: "complete", piece: { finishReason: "stop", tokenCount: 6 } });
    expect(totalOf(context)).toBe(28);
  });

  it("writes no piece when the piece runs into the lowered maxTokens: the budget cut it mid-way", async () => {
    const backend = characterTokensBackend({ completionTokens: 10 });
    const context = testStrategyContext({ backend, limits: { maxTotalTokens: 30 } });
    const result = await continueSolution({ context, prompt, written, maxTokens: 10, requiredBy: "test" });
    expect(backend.calls[0]!.request.maxTokens).toBe(8);
    expect(result).toMatchObject({ piece: undefined, stoppedBy: "tokens" });
    expect(totalOf(context)).toBe(30);
  });

  it("makes no call when the prompt, a token and the tokens to keep after it do not fit", async () => {
    const backend = characterTokensBackend({ completionTokens: 4 });
    const context = testStrategyContext({ backend, limits: { maxTotalTokens: 30 } });
    const kept = await continueSolution({
      context,
      prompt,
      written,
      maxTokens: 4,
      reserveTokens: 8,
      requiredBy: "test",
    });
    // 22 + 1 + 8 = 31 > 30.
    expect(kept).toMatchObject({ piece: undefined, stoppedBy: "tokens" });
    expect(backend.calls).toHaveLength(0);
    const made = await continueSolution({
      context,
      prompt,
      written,
      maxTokens: 4,
      reserveTokens: 7,
      requiredBy: "test",
    });
    // 22 + 1 + 7 = 30 fits: the one token left besides the 7 kept is all the piece may write.
    expect(backend.calls).toHaveLength(1);
    expect(backend.calls[0]!.request.maxTokens).toBe(1);
    expect(made.piece).toMatchObject({ tokenCount: 1, maxTokens: 1, finishReason: "length" });
  });

  it("keeps reserveTokens free: maxTokens is lowered by them, and a piece that runs into that cap comes back", async () => {
    const backend = characterTokensBackend({ completionTokens: 15 });
    const context = testStrategyContext({ backend, limits: { maxTotalTokens: 70 } });
    const result = await continueSolution({
      context,
      prompt,
      written,
      maxTokens: 100,
      reserveTokens: 8,
      requiredBy: "test",
    });
    // The next call reads the 22-token prompt and this piece again: (70 − 2 × 22 − 8) / 2 = 9 of the 100
    // asked. The 15-token piece stops there, not cut by the budget.
    expect(backend.calls[0]!.request.maxTokens).toBe(9);
    expect(result).toMatchObject({
      stoppedBy: "complete",
      piece: { finishReason: "length", tokenCount: 9, maxTokens: 9 },
    });
    // What is left is what comes after needs: the prompt and the piece read again, and the 8 kept.
    expect(70 - totalOf(context)).toBe(22 + 9 + 8);
  });

  it("writes no piece when the budget cut the call below the run's maxTokens, and stops by its limit", async () => {
    const backend = characterTokensBackend({ completionTokens: 12 });
    const context = testStrategyContext({ backend, limits: { maxTotalTokens: 30 } });
    const result = await continueSolution({ context, prompt, written, requiredBy: "test" });
    // No maxTokens asked: the budget's 8 left after the 22-token prompt cut the 12-token piece.
    expect(backend.calls[0]!.request.maxTokens).toBe(8);
    expect(result).toMatchObject({ piece: undefined, stoppedBy: "tokens" });
    expect(totalOf(context)).toBe(30);
  });

  it("sizes by four characters a token on a backend that cannot count, which a longer tokenizer overruns", async () => {
    const backend = characterTokensBackend({ completionTokens: 10, counts: false });
    const context = testStrategyContext({ backend, limits: { maxTotalTokens: 30 } });
    const result = await continueSolution({ context, prompt, written, maxTokens: 10, requiredBy: "test" });
    // 6 estimated prompt tokens and 10 fit; the 22 the call reports do not.
    expect(result.stoppedBy).toBe("complete");
    expect(totalOf(context)).toBe(32);
  });
});

describe("continueSolution under a completion-token limit", () => {
  it("keeps reserveTokens free under a completion-token limit, and leaves a maxTokens that fits as it is", async () => {
    const backend = characterTokensBackend({ completionTokens: 15 });
    const context = testStrategyContext({ backend, limits: { maxCompletionTokens: 20 } });
    const lowered = await continueSolution({
      context,
      prompt,
      written,
      maxTokens: 20,
      reserveTokens: 8,
      requiredBy: "test",
    });
    // 20 − 8 = 12 of the 20 asked.
    expect(backend.calls[0]!.request.maxTokens).toBe(12);
    expect(lowered.piece).toMatchObject({ finishReason: "length", tokenCount: 12, maxTokens: 12 });
    const roomy = testStrategyContext({ backend, limits: { maxCompletionTokens: 100 } });
    const kept = await continueSolution({
      context: roomy,
      prompt,
      written,
      maxTokens: 6,
      reserveTokens: 8,
      requiredBy: "test",
    });
    expect(backend.calls[1]!.request.maxTokens).toBe(6);
    expect(kept.piece).toMatchObject({ tokenCount: 6, maxTokens: 6 });
  });
});
