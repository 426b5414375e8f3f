import { describe, expect, it } from "vitest";
import { BudgetExhaustedError } from "../errors/index.ts";
import type { Candidate } from "../spec/index.ts";
import { requireSomething, someWeighable } from "./run-helpers.ts";

function candidate(id: string, answer: string | undefined): Candidate {
  return { id, text: "", answer, finishReason: "stop", completionTokens: 1, scores: [] };
}

function thrownBudgetError(call: () => void): BudgetExhaustedError {
  try {
    call();
  } catch (error) {
    if (BudgetExhaustedError.isInstance(error)) return error as BudgetExhaustedError;
    throw error;
  }
  throw new Error("expected a BudgetExhaustedError");
}

describe("requireSomething", () => {
  it("names the limit that stopped a run that produced nothing, and `calls` when none stopped it", () => {
    expect(thrownBudgetError(() => requireSomething(0, "tokens")).reason).toBe("tokens");
    expect(thrownBudgetError(() => requireSomething(0, "complete")).reason).toBe("calls");
    expect(thrownBudgetError(() => requireSomething(0, "complete")).message).toBe(
      "the budget ran out (calls) before any answer was produced",
    );
  });
});

describe("someWeighable", () => {
  // Weighable: only the candidate with id "w".
  const usable = someWeighable((entry) => entry.id === "w" && entry.answer !== undefined);

  it("lets the weighted vote run when some candidate with an answer can be weighed", () => {
    expect(usable([candidate("a", "1"), candidate("w", "2")])).toBe(true);
  });

  it("asks for the majority fallback when answers exist but none of them can be weighed", () => {
    expect(usable([candidate("a", "1"), candidate("b", undefined)])).toBe(false);
  });

  it("lets the weighted vote run when no candidate has an answer, as a majority vote would find none either", () => {
    expect(usable([candidate("a", undefined), candidate("b", undefined)])).toBe(true);
    expect(usable([])).toBe(true);
  });
});
