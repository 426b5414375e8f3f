import { describe, expect, it } from "vitest";
import { manualClock } from "../runtime/index.ts";
import { completionTokenCap } from "./completion-token-cap.ts";
import { createBudget } from "./create-budget.ts";
import { reserveBudget } from "./reserve-budget.ts";

describe("completionTokenCap", () => {
  const clock = manualClock();

  it("shares what the token limits have left among a call's completions, after its prompt", () => {
    const budget = createBudget({ maxTotalTokens: 300 }, { clock });
    budget.charge({ calls: 1, promptTokens: 40, completionTokens: 60 });
    expect(completionTokenCap(budget, 2, 40)).toEqual({ tokens: 80, limit: "tokens" });
    const completion = createBudget({ maxCompletionTokens: 50, maxTotalTokens: 1_000 }, { clock });
    expect(completionTokenCap(completion, 1, 10)).toEqual({ tokens: 50, limit: "completion-tokens" });
  });

  it("names the limit that leaves the fewest, the total one on a tie", () => {
    const both = createBudget({ maxCompletionTokens: 50, maxTotalTokens: 70 }, { clock });
    expect(completionTokenCap(both, 1, 30)).toEqual({ tokens: 40, limit: "tokens" });
    expect(completionTokenCap(both, 1, 20)).toEqual({ tokens: 50, limit: "tokens" });
    expect(completionTokenCap(both, 1, 10)).toEqual({ tokens: 50, limit: "completion-tokens" });
  });

  it("shares what a priced money limit leaves, in tokens at its prices, and names it", () => {
    const price = { promptUsdPerMillion: 1, completionUsdPerMillion: 4 };
    const budget = createBudget({ maxCostUsd: 0.001 }, { clock, price });
    // 300 of 1000 millionths spent; after a 100-token prompt, 600 buy 150 completion tokens: 75 each of 2.
    budget.charge({ calls: 1, promptTokens: 100, completionTokens: 50 });
    expect(completionTokenCap(budget, 2, 100)).toEqual({ tokens: 75, limit: "cost" });
    // A call in flight holding 100 completion tokens (400) leaves 200 after the prompt: 25 each.
    const held = reserveBudget(budget, { calls: 1, promptTokens: 0, completionTokens: 100 });
    expect(completionTokenCap(budget, 2, 100)).toEqual({ tokens: 25, limit: "cost" });
    held.release();
    // A token limit that leaves fewer sets the cap.
    const both = createBudget({ maxCostUsd: 0.001, maxTotalTokens: 200 }, { clock, price });
    expect(completionTokenCap(both, 1, 100)).toEqual({ tokens: 100, limit: "tokens" });
    // Without prices a money limit is no token limit.
    expect(completionTokenCap({ ...budget, price: undefined }, 2, 100)).toBeUndefined();
  });

  it("rounds each completion's share down, so that the completions together never pass the limit", () => {
    const budget = createBudget({ maxTotalTokens: 101 }, { clock });
    // 101 / 2 = 50.5: 50 each, 100 together; 51 each would be 102, over the limit.
    expect(completionTokenCap(budget, 2, 0)).toEqual({ tokens: 50, limit: "tokens" });
    // 101 / 3 = 33.67: 33 each, 99 together.
    expect(completionTokenCap(budget, 3, 0)).toEqual({ tokens: 33, limit: "tokens" });
  });

  it("is at least 1, and undefined when no token limit applies", () => {
    const spent = createBudget({ maxCompletionTokens: 5 }, { clock });
    spent.charge({ calls: 1, promptTokens: 3, completionTokens: 9 });
    expect(completionTokenCap(spent, 4)).toEqual({ tokens: 1, limit: "completion-tokens" });
    expect(completionTokenCap(createBudget({ maxCalls: 3 }, { clock }), 1)).toBeUndefined();
  });
});
