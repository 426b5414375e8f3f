import { describe, expect, it } from "vitest";
import { manualClock } from "../runtime/index.ts";
import { createBudget } from "./create-budget.ts";
import { limitsTokens } from "./limits-tokens.ts";

describe("limitsTokens", () => {
  const clock = manualClock();
  const price = { promptUsdPerMillion: 1, completionUsdPerMillion: 1 };

  it("is true under a token limit, or a money limit with prices", () => {
    expect(limitsTokens(createBudget({ maxTotalTokens: 10 }, { clock }))).toBe(true);
    expect(limitsTokens(createBudget({ maxCompletionTokens: 10 }, { clock }))).toBe(true);
    expect(limitsTokens(createBudget({ maxCostUsd: 0.01 }, { clock, price }))).toBe(true);
  });

  it("is false under other limits, and for a money limit without prices", () => {
    expect(limitsTokens(createBudget({ maxCalls: 1, maxScoreCalls: 1 }, { clock, price }))).toBe(false);
    const priced = createBudget({ maxCostUsd: 0.01 }, { clock, price });
    expect(limitsTokens({ ...priced, price: undefined })).toBe(false);
  });
});
