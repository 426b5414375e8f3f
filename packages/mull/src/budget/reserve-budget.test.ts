import { describe, expect, it } from "vitest";
import { manualClock } from "../runtime/index.ts";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import type { Budget } from "../spec/index.ts";
import { budgetShortfall } from "./budget-shortfall.ts";
import { createChildBudget } from "./child-budget.ts";
import { completionTokenCap } from "./completion-token-cap.ts";
import { createBudget } from "./create-budget.ts";
import { reserveBudget } from "./reserve-budget.ts";
import { reservedUsage } from "./reserved-usage.ts";

describe("reserveBudget", () => {
  it("holds a call's calls and tokens for sizing others until released, without charging them", () => {
    const budget = createBudget({ maxCalls: 2, maxTotalTokens: 100 }, { clock: manualClock() });
    const held = reserveBudget(budget, { calls: 1, promptTokens: 20, completionTokens: 50 });
    expect(reservedUsage(budget)).toEqual({ promptTokens: 20, completionTokens: 50, calls: 1 });
    expect(budget.spent().usage).toEqual({ promptTokens: 0, completionTokens: 0, calls: 0 });
    expect(budget.exhausted()).toBeUndefined();
    // 30 tokens and one call are left to size a second call by.
    expect(completionTokenCap(budget, 1, 20)).toEqual({ tokens: 10, limit: "tokens" });
    expect(
      budgetShortfall(budget, { calls: 1, completions: 1, promptTokens: 20, completionTokensEach: 10 }),
    ).toBe(undefined);
    expect(
      budgetShortfall(budget, { calls: 1, completions: 1, promptTokens: 20, completionTokensEach: 11 }),
    ).toBe("tokens");
    expect(budgetShortfall(budget, { calls: 2, completions: 2 })).toBe("calls");
    expect(budget.affords(2)).toBe(false);
    held.release();
    // Released twice, it frees once: the other reservation stays.
    const other = reserveBudget(budget, { calls: 1, promptTokens: 20, completionTokens: 50 });
    held.release();
    expect(reservedUsage(budget)).toEqual({ promptTokens: 20, completionTokens: 50, calls: 1 });
    other.release();
    expect(reservedUsage(budget)).toEqual({ promptTokens: 0, completionTokens: 0, calls: 0 });
    expect(completionTokenCap(budget, 1, 20)).toEqual({ tokens: 80, limit: "tokens" });
    budget.close();
  });

  it("holds generated tokens against the completion-token limit", () => {
    const budget = createBudget({ maxCompletionTokens: 60 }, { clock: manualClock() });
    budget.charge({ promptTokens: 5, completionTokens: 10, calls: 1 });
    reserveBudget(budget, { calls: 1, promptTokens: 5, completionTokens: 30 });
    expect(completionTokenCap(budget, 2)).toEqual({ tokens: 10, limit: "completion-tokens" });
    expect(budgetShortfall(budget, { calls: 1, completions: 1, completionTokensEach: 21 })).toBe(
      "completion-tokens",
    );
    budget.close();
  });

  it("goes through child budgets to the root, so sibling runs hold one budget", () => {
    const clock = manualClock();
    const root = createBudget({ maxCalls: 2 }, { clock });
    const left = createChildBudget(root, clock);
    const right = createChildBudget(createChildBudget(root, clock), clock);
    const held = reserveBudget(left, { calls: 1, promptTokens: 0, completionTokens: 0 });
    expect(reservedUsage(right)).toMatchObject({ calls: 1 });
    expect(budgetShortfall(right, { calls: 1, completions: 1 })).toBeUndefined();
    reserveBudget(right, { calls: 1, promptTokens: 0, completionTokens: 0 });
    expect(budgetShortfall(left, { calls: 1, completions: 1 })).toBe("calls");
    held.release();
    expect(reservedUsage(root)).toMatchObject({ calls: 1 });
    root.close();
  });

  it("holds nothing of a budget without reservations, which sizes calls by what was charged as before", () => {
    const root = createBudget({ maxCalls: 1 }, { clock: manualClock() });
    const custom: Budget = {
      limits: root.limits,
      signal: root.signal,
      spent: () => root.spent(),
      exhausted: () => root.exhausted(),
      affords: (completions, tokensEach) => root.affords(completions, tokensEach),
      charge: (usage) => root.charge(usage),
      chargeScore: (calls) => root.chargeScore(calls),
    };
    const held = reserveBudget(custom, { calls: 1, promptTokens: 0, completionTokens: 0 });
    expect(reservedUsage(custom)).toEqual({ promptTokens: 0, completionTokens: 0, calls: 0 });
    expect(budgetShortfall(custom, { calls: 1, completions: 1 })).toBeUndefined();
    held.release();
    // A child of it holds nothing either.
    const child = createChildBudget(custom, manualClock());
    reserveBudget(child, { calls: 1, promptTokens: 0, completionTokens: 0 });
    expect(budgetShortfall(child, { calls: 1, completions: 1 })).toBeUndefined();
    root.close();
  });

  it("refuses a usage that breaks the Usage contract, naming the field", () => {
    const budget = createBudget({}, { clock: manualClock() });
    const error = thrownConfigError(() =>
      budget.reserve({ promptTokens: 1, completionTokens: -2, calls: 1 }),
    );
    expect(error.field).toBe("usage.completionTokens");
    expect(error.message).toMatch(/^budget\.reserve: usage\.completionTokens must be a number ≥ 0/);
    expect(thrownConfigError(() => budget.reserve({ calls: 1.5 } as never)).field).toBe("usage.calls");
    expect(reservedUsage(budget).calls).toBe(0);
    budget.close();
  });
});
