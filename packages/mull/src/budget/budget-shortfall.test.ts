import { describe, expect, it } from "vitest";
import { manualClock } from "../runtime/index.ts";
import { budgetShortfall } from "./budget-shortfall.ts";
import { createBudget } from "./create-budget.ts";

describe("budgetShortfall", () => {
  it("holds generation limits against generating actions only", () => {
    const budget = createBudget({ maxCalls: 2, maxScoreCalls: 1 }, { clock: manualClock() });
    budget.charge({ promptTokens: 1, completionTokens: 1, calls: 2 });
    expect(budgetShortfall(budget, { calls: 1, completions: 1 })).toBe("calls");
    // Scoring does not need generation calls.
    expect(budgetShortfall(budget, { scoreCalls: 1 })).toBeUndefined();
    budget.chargeScore(1);
    expect(budgetShortfall(budget, { scoreCalls: 1 })).toBe("score-calls");
    budget.close();
  });

  it("compares estimated tokens with what is left", () => {
    const budget = createBudget({ maxTotalTokens: 1000 }, { clock: manualClock() });
    budget.charge({ promptTokens: 100, completionTokens: 300, calls: 1 });
    expect(
      budgetShortfall(budget, { calls: 1, completions: 4, promptTokens: 100, completionTokensEach: 125 }),
    ).toBe(undefined);
    expect(
      budgetShortfall(budget, { calls: 1, completions: 4, promptTokens: 100, completionTokensEach: 126 }),
    ).toBe("tokens");
    // Without an estimate, only a spent-out limit refuses.
    expect(budgetShortfall(budget, { calls: 1, completions: 4 })).toBeUndefined();
    budget.charge({ promptTokens: 0, completionTokens: 600, calls: 1 });
    expect(budgetShortfall(budget, { calls: 1, completions: 1 })).toBe("tokens");
    budget.close();
  });

  it("puts time and abort before every other limit", () => {
    const clock = manualClock();
    const controller = new AbortController();
    const budget = createBudget({ maxMilliseconds: 50 }, { clock, signal: controller.signal });
    expect(budgetShortfall(budget, { scoreCalls: 1 })).toBeUndefined();
    controller.abort();
    expect(budgetShortfall(budget, { scoreCalls: 1 })).toBe("abort");
    clock.advance(50);
    expect(budgetShortfall(budget, {})).toBe("time");
    budget.close();
  });
});
