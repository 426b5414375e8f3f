import { describe, expect, it } from "vitest";
import { manualClock } from "../runtime/index.ts";
import { affordableWorkers } from "./affordable-workers.ts";
import { createBudget } from "./create-budget.ts";
import { reserveBudget } from "./reserve-budget.ts";

describe("affordableWorkers", () => {
  it("starts as many workers as fit what is left, with the limit that holds back the rest", () => {
    const budget = createBudget({ maxTotalTokens: 400 }, { clock: manualClock() });
    const trace = { calls: 1, promptTokens: 30, completionTokens: 67 };
    // 4 × 97 = 388 fit.
    expect(affordableWorkers(budget, 4, trace)).toEqual({ count: 4, shortfall: undefined });
    expect(affordableWorkers(budget, 8, trace)).toEqual({ count: 4, shortfall: "tokens" });
    // What calls in flight hold is not left.
    const held = reserveBudget(budget, { calls: 1, promptTokens: 30, completionTokens: 192 });
    expect(affordableWorkers(budget, 4, trace)).toEqual({ count: 1, shortfall: "tokens" });
    held.release();
    budget.charge({ promptTokens: 300, completionTokens: 50, calls: 3 });
    expect(affordableWorkers(budget, 4, trace)).toEqual({ count: 0, shortfall: "tokens" });
    budget.close();
  });

  it("starts no more workers than a priced money limit affords, counting those in flight", () => {
    const price = { promptUsdPerMillion: 1, completionUsdPerMillion: 1 };
    const budget = createBudget({ maxCostUsd: 150e-6 }, { clock: manualClock(), price });
    // 150 tokens' worth at 1 USD per million: three traces of 30 + 20 tokens, not four.
    const trace = { calls: 1, promptTokens: 30, completionTokens: 20 };
    expect(affordableWorkers(budget, 4, trace)).toEqual({ count: 3, shortfall: "cost" });
    const held = reserveBudget(budget, { calls: 1, promptTokens: 30, completionTokens: 20 });
    expect(affordableWorkers(budget, 4, trace)).toEqual({ count: 2, shortfall: "cost" });
    held.release();
    budget.close();
  });

  it("counts every call of a worker against the call limit", () => {
    const budget = createBudget({ maxCalls: 5 }, { clock: manualClock() });
    const forced = { calls: 2, promptTokens: 0, completionTokens: undefined };
    expect(affordableWorkers(budget, 4, forced)).toEqual({ count: 2, shortfall: "calls" });
    expect(affordableWorkers(budget, 0, forced)).toEqual({ count: 0, shortfall: undefined });
    budget.close();
  });
});
