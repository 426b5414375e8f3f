import { describe, expect, it } from "vitest";
import { manualClock } from "../runtime/index.ts";
import { createChildBudget } from "./child-budget.ts";
import { createBudget } from "./create-budget.ts";

describe("createChildBudget", () => {
  it("charges through to its parent and keeps its own account from its creation", () => {
    const clock = manualClock();
    const price = { promptUsdPerMillion: 1, completionUsdPerMillion: 2 };
    const parent = createBudget({ maxCalls: 3 }, { clock, price });
    parent.charge({ promptTokens: 1_000, completionTokens: 0, calls: 1 });
    clock.advance(50);
    const child = createChildBudget(parent, clock);
    child.charge({ promptTokens: 1_000_000, completionTokens: 500_000, calls: 1 });
    child.chargeScore(2);
    clock.advance(10);
    expect(child.ownSpent()).toEqual({
      usage: { promptTokens: 1_000_000, completionTokens: 500_000, calls: 1 },
      scoreCalls: 2,
      elapsedMilliseconds: 10,
      costUsd: 2,
    });
    expect(parent.spent().usage.calls).toBe(2);
    expect(parent.spent().scoreCalls).toBe(2);
    expect(child.spent()).toEqual(parent.spent());
    // The parent's limits stop the child.
    expect(child.exhausted()).toBeUndefined();
    child.charge({ promptTokens: 1, completionTokens: 1, calls: 1 });
    expect(child.exhausted()).toBe("calls");
    expect(child.affords(1)).toBe(false);
    parent.close();
  });

  it("adds up its own cost over every charge", () => {
    const clock = manualClock();
    const price = { promptUsdPerMillion: 1, completionUsdPerMillion: 2 };
    const parent = createBudget({}, { clock, price });
    const child = createChildBudget(parent, clock);
    child.charge({ promptTokens: 1_000_000, completionTokens: 0, calls: 1 });
    child.charge({ promptTokens: 0, completionTokens: 1_000_000, calls: 1 });
    // 1 USD for the prompt tokens, then 2 USD for the completion tokens.
    expect(child.ownSpent().costUsd).toBeCloseTo(3, 12);
    parent.close();
  });

  it("knows no cost when the parent has no price", () => {
    const clock = manualClock();
    const parent = createBudget({}, { clock });
    const child = createChildBudget(parent, clock);
    child.charge({ promptTokens: 10, completionTokens: 5, calls: 1 });
    expect(child.ownSpent().costUsd).toBeUndefined();
    parent.close();
  });
});
