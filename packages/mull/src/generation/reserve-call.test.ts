import { describe, expect, it } from "vitest";
import { createBudget, reservedUsage } from "../budget/index.ts";
import { manualClock } from "../runtime/index.ts";
import { reserveCall } from "./reserve-call.ts";

function budget() {
  return createBudget({ maxTotalTokens: 1_000 }, { clock: manualClock() });
}

describe("reserveCall", () => {
  it("holds the plan's calls and prompt tokens and maxTokens for each completion, until released", () => {
    const run = budget();
    const held = reserveCall(
      run,
      { calls: 1, completions: 3, promptTokens: 20, completionTokensEach: 10 },
      3,
      50,
    );
    expect(reservedUsage(run)).toEqual({ calls: 1, promptTokens: 20, completionTokens: 150 });
    held?.release();
    expect(reservedUsage(run)).toMatchObject({ calls: 0, promptTokens: 0, completionTokens: 0 });
  });

  it("holds the plan's tokens for each completion where the call asks no maxTokens", () => {
    const run = budget();
    reserveCall(run, { calls: 2, promptTokens: 8, completionTokensEach: 12 }, 2, undefined);
    expect(reservedUsage(run)).toEqual({ calls: 2, promptTokens: 8, completionTokens: 24 });
  });

  it("holds nothing for a call without a plan", () => {
    const run = budget();
    expect(reserveCall(run, undefined, 4, 100)).toBeUndefined();
    expect(reservedUsage(run)).toMatchObject({ calls: 0 });
  });
});
