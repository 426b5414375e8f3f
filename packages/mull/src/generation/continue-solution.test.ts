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
    expect(made.piece?.tokenCount).toBe(4);
    expect(backend.calls).toHaveLength(1);
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
