import { describe, expect, it } from "vitest";
import { createBudget } from "../budget/index.ts";
import { manualClock } from "../runtime/index.ts";
import type { Completion } from "../spec/index.ts";
import { budgetTokenCut } from "./budget-token-cut.ts";

const clock = manualClock();

function completion(
  finishReason: Completion["finishReason"],
  completionTokens: number | undefined,
): Completion {
  return { index: 0, text: "x", finishReason, completionTokens };
}

describe("budgetTokenCut", () => {
  it("is the budget's cap where it is below what the call asked, or the call asked none", () => {
    const budget = createBudget({ maxTotalTokens: 50 }, { clock });
    expect(budgetTokenCut(budget, 2, 10, undefined)).toMatchObject({ maxTokens: 20, limit: "tokens" });
    expect(budgetTokenCut(budget, 2, 10, 30)).toMatchObject({ maxTokens: 20, limit: "tokens" });
    expect(budgetTokenCut(budget, 2, 10, 20)).toBeUndefined();
    expect(budgetTokenCut(createBudget({ maxCalls: 2 }, { clock }), 2, 10, undefined)).toBeUndefined();
    const completions = createBudget({ maxCompletionTokens: 8 }, { clock });
    expect(budgetTokenCut(completions, 1, 10, 100)).toMatchObject({
      maxTokens: 8,
      limit: "completion-tokens",
    });
  });

  it("tells a completion cut at the cap from one that finished or ran into the context's end first", () => {
    const cut = budgetTokenCut(createBudget({ maxCompletionTokens: 8 }, { clock }), 1, 0, undefined)!;
    expect(cut.cut(completion("length", 8))).toBe(true);
    expect(cut.cut(completion("length", undefined))).toBe(true);
    expect(cut.cut(completion("length", 5))).toBe(false);
    expect(cut.cut(completion("stop", 8))).toBe(false);
    expect(cut.note(1, 3)).toBe(
      "1 of 3 completions cut at 8 tokens by the budget's completion-tokens limit: left out, as a sample cut mid-way is no sample",
    );
  });
});
