import { describe, expect, it } from "vitest";
import { createKeyTokenBudget } from "./key-token-budget.ts";

describe("createKeyTokenBudget", () => {
  it("lets through exactly what the budget covers, per key and per window", () => {
    let time = 0;
    const budget = createKeyTokenBudget(5_000, () => time);
    const outcomes = Array.from({ length: 8 }, () => budget.reserve("a", 1_000));
    expect(outcomes.filter((outcome) => !("retryAfterSeconds" in outcome))).toHaveLength(5);
    expect(outcomes.at(-1)).toEqual({ retryAfterSeconds: 60, remainingTokens: 0 });
    expect("retryAfterSeconds" in budget.reserve("b", 5_000)).toBe(false);
    time = 45_000;
    expect(budget.reserve("a", 1)).toEqual({ retryAfterSeconds: 15, remainingTokens: 0 });
    time = 60_000;
    expect("retryAfterSeconds" in budget.reserve("a", 5_000)).toBe(false);
  });

  it("tells a refused request how many tokens are left in the window", () => {
    const budget = createKeyTokenBudget(5_000, () => 0);
    expect("retryAfterSeconds" in budget.reserve("a", 3_000)).toBe(false);
    expect(budget.reserve("a", 3_000)).toEqual({ retryAfterSeconds: 60, remainingTokens: 2_000 });
    expect("retryAfterSeconds" in budget.reserve("a", 2_000)).toBe(false);
  });

  it("gives back what a request did not use, once, and keeps unknown usage reserved", () => {
    const budget = createKeyTokenBudget(3_000, () => 0);
    const first = budget.reserve("a", 3_000);
    if ("retryAfterSeconds" in first) throw new Error("refused");
    expect("retryAfterSeconds" in budget.reserve("a", 1)).toBe(true);
    first.settle(1_000);
    first.settle(0);
    const second = budget.reserve("a", 2_000);
    expect("retryAfterSeconds" in second).toBe(false);
    expect("retryAfterSeconds" in budget.reserve("a", 1)).toBe(true);
    if ("retryAfterSeconds" in second) throw new Error("refused");
    second.settle(undefined);
    expect("retryAfterSeconds" in budget.reserve("a", 1)).toBe(true);
  });

  it("charges what a request used beyond its reservation, in its window only", () => {
    let time = 0;
    const budget = createKeyTokenBudget(3_100, () => time);
    const first = budget.reserve("a", 510);
    if ("retryAfterSeconds" in first) throw new Error("refused");
    first.settle(2_040);
    expect(budget.reserve("a", 1_061)).toEqual({ retryAfterSeconds: 60, remainingTokens: 1_060 });
    const second = budget.reserve("a", 510);
    if ("retryAfterSeconds" in second) throw new Error("refused");
    second.settle(2_040);
    // The window counts 4,080 of its 3,100 tokens: nothing is left, and nothing more is admitted.
    expect(budget.reserve("a", 1)).toEqual({ retryAfterSeconds: 60, remainingTokens: 0 });
    const late = budget.reserve("b", 510);
    if ("retryAfterSeconds" in late) throw new Error("refused");
    time = 60_000;
    late.settle(2_040);
    expect("retryAfterSeconds" in budget.reserve("b", 3_100)).toBe(false);
  });
});
