import { describe, expect, it } from "vitest";
import { manualClock } from "../runtime/index.ts";
import { createBudget } from "./create-budget.ts";
import { scoreCallsLeft } from "./score-calls-left.ts";

describe("scoreCallsLeft", () => {
  it("is the limit less the scorer calls charged, never below 0", () => {
    const budget = createBudget({ maxScoreCalls: 3 }, { clock: manualClock() });
    expect(scoreCallsLeft(budget)).toBe(3);
    budget.chargeScore(2);
    expect(scoreCallsLeft(budget)).toBe(1);
    budget.chargeScore(4);
    expect(scoreCallsLeft(budget)).toBe(0);
    budget.close();
  });

  it("is unbounded without a scorer-call limit, whatever generation limits say", () => {
    const budget = createBudget({ maxCalls: 1, maxTotalTokens: 10 }, { clock: manualClock() });
    budget.chargeScore(7);
    expect(scoreCallsLeft(budget)).toBe(Number.POSITIVE_INFINITY);
    budget.close();
  });
});
