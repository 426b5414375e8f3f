import { describe, expect, it } from "vitest";
import { manualClock } from "../runtime/index.ts";
import { completionTokenCap } from "./completion-token-cap.ts";
import { createBudget } from "./create-budget.ts";

describe("completionTokenCap", () => {
  const clock = manualClock();

  it("shares what the token limits have left among a call's completions, after its prompt", () => {
    const budget = createBudget({ maxTotalTokens: 300 }, { clock });
    budget.charge({ calls: 1, promptTokens: 40, completionTokens: 60 });
    expect(completionTokenCap(budget, 2, 40)).toBe(80);
    const completion = createBudget({ maxCompletionTokens: 50, maxTotalTokens: 1_000 }, { clock });
    expect(completionTokenCap(completion, 1, 10)).toBe(50);
  });

  it("is at least 1, and undefined when no token limit applies", () => {
    const spent = createBudget({ maxCompletionTokens: 5 }, { clock });
    spent.charge({ calls: 1, promptTokens: 3, completionTokens: 9 });
    expect(completionTokenCap(spent, 4)).toBe(1);
    expect(completionTokenCap(createBudget({ maxCalls: 3 }, { clock }), 1)).toBeUndefined();
  });
});
