import { describe, expect, it } from "vitest";
import { createBudget, reserveBudget } from "../budget/index.ts";
import { manualClock } from "../runtime/index.ts";
import { reservedCostTokens } from "./reserved-cost-tokens.ts";

const clock = manualClock();
const dearCompletions = { promptUsdPerMillion: 1, completionUsdPerMillion: 4 };

describe("reservedCostTokens", () => {
  it("fits the completions and the reserve in the money left, each count at its own price", () => {
    const budget = createBudget({ maxCostUsd: 0.0001 }, { clock, price: dearCompletions });
    const call = { shares: 1, promptTokens: 10, reserveTokens: 5, rereads: false };
    // 10 × 1 + (T + 5) × 4 ≤ 100: T = 17.
    expect(reservedCostTokens(budget, call)).toBe(17);
    // Shared by 2 completions: 10 + (2T + 5) × 4 ≤ 100, T = 8.
    expect(reservedCostTokens(budget, { ...call, shares: 2 })).toBe(8);
    // Re-read: 20 × 1 + T × 1 + (T + 5) × 4 ≤ 100, 5T ≤ 60, T = 12 (not the halved (100 − 20 − 20) / 8 = 7).
    expect(reservedCostTokens(budget, { ...call, rereads: true })).toBe(12);
  });

  it("counts what was spent and what calls in flight hold", () => {
    const budget = createBudget({ maxCostUsd: 0.0001 }, { clock, price: dearCompletions });
    budget.charge({ calls: 1, promptTokens: 20, completionTokens: 0 });
    const held = reserveBudget(budget, { calls: 1, promptTokens: 0, completionTokens: 5 });
    // 100 − 20 − 20 = 60 left: 10 + (T + 5) × 4 ≤ 60, T = 7.
    expect(
      reservedCostTokens(budget, { shares: 1, promptTokens: 10, reserveTokens: 5, rereads: false }),
    ).toBe(7);
    held.release();
    expect(
      reservedCostTokens(budget, { shares: 1, promptTokens: 10, reserveTokens: 5, rereads: false }),
    ).toBe(12);
  });

  it("is below 0 where the prompt and the reserve alone do not fit", () => {
    const budget = createBudget({ maxCostUsd: 0.00003 }, { clock, price: dearCompletions });
    // 10 + 5 × 4 = 30 fits with nothing written; a reserve of 6 does not.
    expect(
      reservedCostTokens(budget, { shares: 1, promptTokens: 10, reserveTokens: 5, rereads: false }),
    ).toBe(0);
    expect(
      reservedCostTokens(budget, { shares: 1, promptTokens: 10, reserveTokens: 6, rereads: false }),
    ).toBeLessThan(0);
  });

  it("bounds nothing without a money limit, or where the tokens counted cost nothing", () => {
    const call = { shares: 1, promptTokens: 10, reserveTokens: 5, rereads: true };
    expect(
      reservedCostTokens(createBudget({ maxTotalTokens: 100 }, { clock, price: dearCompletions }), call),
    ).toBeUndefined();
    const free = createBudget(
      { maxCostUsd: 0.0001 },
      { clock, price: { promptUsdPerMillion: 0, completionUsdPerMillion: 0 } },
    );
    expect(reservedCostTokens(free, call)).toBeUndefined();
    // Free completions, priced prompts: only the re-read is bounded, 20 + T ≤ 100.
    const freeCompletions = createBudget(
      { maxCostUsd: 0.0001 },
      { clock, price: { promptUsdPerMillion: 1, completionUsdPerMillion: 0 } },
    );
    expect(reservedCostTokens(freeCompletions, { ...call, rereads: false })).toBeUndefined();
    expect(reservedCostTokens(freeCompletions, call)).toBe(80);
  });
});
