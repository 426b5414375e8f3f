import { describe, expect, it } from "vitest";
import { BudgetExhaustedError } from "./budget-exhausted-error.ts";

describe("BudgetExhaustedError", () => {
  it("says what cut the run in words: a caller's abort and a passed time limit are no budget that ran out", () => {
    const messages = (["abort", "time", "calls", "tokens", "condition:consensus"] as const).map((reason) => {
      const error = new BudgetExhaustedError(reason);
      // The reason itself is kept as given, for code that tells the cuts apart.
      expect(error.reason).toBe(reason);
      expect(BudgetExhaustedError.isInstance(error)).toBe(true);
      return error.message;
    });
    expect(messages).toEqual([
      "the run was aborted before any answer was produced",
      "the time limit passed before any answer was produced",
      "the budget ran out (calls) before any answer was produced",
      "the budget ran out (tokens) before any answer was produced",
      "the budget ran out (condition:consensus) before any answer was produced",
    ]);
  });
});
