import { describe, expect, it } from "vitest";
import { manualClock } from "../runtime/index.ts";
import { createChildBudget } from "./child-budget.ts";
import { costAllowance } from "./cost-allowance.ts";
import { createBudget } from "./create-budget.ts";
import { reserveBudget } from "./reserve-budget.ts";

const clock = manualClock();
const dearCompletions = { promptUsdPerMillion: 1, completionUsdPerMillion: 4 };

describe("costAllowance", () => {
  it("turns the money left into tokens, each count at its own price", () => {
    const budget = createBudget({ maxCostUsd: 0.001 }, { clock, price: dearCompletions });
    // 100 prompt tokens at 1 and 50 completion tokens at 4 USD per million: 300 of 1000 millionths spent.
    budget.charge({ calls: 1, promptTokens: 100, completionTokens: 50 });
    const allowance = costAllowance(budget)!;
    expect(allowance.reached).toBe(false);
    expect(allowance.affords(100, 150)).toBe(true);
    expect(allowance.affords(100, 151)).toBe(false);
    expect(allowance.affords(700, 0)).toBe(true);
    expect(allowance.completionTokens(100)).toBe(150);
    // A prompt that alone costs more than is left leaves no completion token.
    expect(allowance.completionTokens(701)).toBe(0);
  });

  it("counts what calls in flight hold as spent, until released", () => {
    const budget = createBudget({ maxCostUsd: 0.001 }, { clock, price: dearCompletions });
    const held = reserveBudget(budget, { calls: 1, promptTokens: 200, completionTokens: 200 });
    expect(costAllowance(budget)?.reached).toBe(true);
    expect(costAllowance(budget)?.completionTokens(0)).toBe(0);
    held.release();
    expect(costAllowance(budget)?.completionTokens(0)).toBe(250);
  });

  it("fits a total that meets the limit exactly, despite the limit's rounding", () => {
    const price = { promptUsdPerMillion: 1, completionUsdPerMillion: 1 };
    const budget = createBudget({ maxCostUsd: 150e-6 }, { clock, price });
    budget.charge({ calls: 1, promptTokens: 70, completionTokens: 30 });
    const allowance = costAllowance(budget)!;
    expect(allowance.completionTokens(10)).toBe(40);
    expect(allowance.affords(10, 40)).toBe(true);
    expect(allowance.affords(10, 41)).toBe(false);
  });

  it("never names a completion count it cannot afford, when the division comes out a token too high", () => {
    // The 0.0079638 USD left divides into 39819 tokens at 0.2 USD per million, yet the whole account's cost
    // with 39819 more, summed in floating point, is a hair above the limit: 39818 is the most that fits.
    const price = { promptUsdPerMillion: 0.1, completionUsdPerMillion: 0.2 };
    const budget = createBudget({ maxCostUsd: 0.008781 }, { clock, price });
    budget.charge({ calls: 1, promptTokens: 2742, completionTokens: 2715 });
    const allowance = costAllowance(budget)!;
    expect(allowance.completionTokens(0)).toBe(39818);
    expect(allowance.affords(0, 39818)).toBe(true);
    expect(allowance.affords(0, 39819)).toBe(false);
  });

  it("counts a count the backend left unreported as 0, as token limits do", () => {
    const budget = createBudget({ maxCostUsd: 0.001 }, { clock, price: dearCompletions });
    budget.charge({ calls: 1, promptTokens: undefined, completionTokens: 100 });
    expect(budget.spent().costUsd).toBeUndefined();
    expect(costAllowance(budget)?.completionTokens(0)).toBe(150);
  });

  it("leaves completions unbounded when they cost nothing", () => {
    const price = { promptUsdPerMillion: 2, completionUsdPerMillion: 0 };
    const budget = createBudget({ maxCostUsd: 0.001 }, { clock, price });
    expect(costAllowance(budget)?.completionTokens(400)).toBe(Number.POSITIVE_INFINITY);
    expect(costAllowance(budget)?.completionTokens(501)).toBe(0);
  });

  it("is the parent's in a nested run, and undefined without a money limit or prices", () => {
    const parent = createBudget({ maxCostUsd: 0.001 }, { clock, price: dearCompletions });
    parent.charge({ calls: 1, promptTokens: 200, completionTokens: 0 });
    expect(costAllowance(createChildBudget(parent, clock))?.completionTokens(0)).toBe(200);
    expect(
      costAllowance(createBudget({ maxTotalTokens: 10 }, { clock, price: dearCompletions })),
    ).toBeUndefined();
    expect(costAllowance({ ...parent, price: undefined })).toBeUndefined();
  });
});
