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

  it("makes no call when the counted prompt leaves too few tokens for maxTokens", async () => {
    const backend = characterTokensBackend({ completionTokens: 10 });
    const context = testStrategyContext({ backend, limits: { maxTotalTokens: 30 } });
    const result = await continueSolution({ context, prompt, written, maxTokens: 10, requiredBy: "test" });
    expect(result).toMatchObject({ piece: undefined, stoppedBy: "tokens" });
    expect(backend.calls).toHaveLength(0);
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
