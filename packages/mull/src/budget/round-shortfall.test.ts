import { describe, expect, it } from "vitest";
import { manualClock } from "../runtime/index.ts";
import { createBudget } from "./create-budget.ts";
import { roundShortfall } from "./round-shortfall.ts";

describe("roundShortfall", () => {
  it("holds the scorer-call limit only against rounds that need scores", () => {
    const budget = createBudget({ maxScoreCalls: 0 }, { clock: manualClock() });
    // `exhausted()` names the limit of 0 from the start; a round that never scores is not held to it.
    expect(budget.exhausted()).toBe("score-calls");
    expect(roundShortfall(budget, { scored: false })).toBeUndefined();
    expect(roundShortfall(budget, { scored: true })).toBe("score-calls");
    budget.close();
  });

  it("holds generation limits, the deadline and an abort against every round", () => {
    const clock = manualClock();
    const controller = new AbortController();
    const budget = createBudget({ maxCalls: 1, maxMilliseconds: 50 }, { clock, signal: controller.signal });
    expect(roundShortfall(budget, { scored: true })).toBeUndefined();
    budget.charge({ promptTokens: 1, completionTokens: 1, calls: 1 });
    expect(roundShortfall(budget, { scored: false })).toBe("calls");
    controller.abort();
    expect(roundShortfall(budget, { scored: false })).toBe("abort");
    clock.advance(50);
    expect(roundShortfall(budget, { scored: false })).toBe("time");
    budget.close();
  });
});
