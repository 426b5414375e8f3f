import { describe, expect, it } from "vitest";
import { isBudgetLimit, isStopReason, stopReasonsInWords } from "./stop-reason.ts";

describe("isStopReason", () => {
  it("takes every fixed reason and a named stop condition", () => {
    for (const reason of [
      "complete",
      "tokens",
      "completion-tokens",
      "calls",
      "score-calls",
      "time",
      "cost",
      "abort",
      "samples-lost",
    ]) {
      expect(isStopReason(reason)).toBe(true);
    }
    expect(isStopReason("condition:consensus")).toBe(true);
  });

  it("refuses other strings, a condition without a name and non-strings", () => {
    for (const value of ["done", "", "Complete", "condition:", "toString", undefined, null, 3, {}]) {
      expect(isStopReason(value)).toBe(false);
    }
  });

  it("lists the reasons in words", () => {
    expect(stopReasonsInWords).toBe(
      "complete, tokens, completion-tokens, calls, score-calls, time, cost, abort, samples-lost or condition:<name>",
    );
  });
});

describe("isBudgetLimit", () => {
  it("holds for the limits of a budget, not for the plan's end, a stop condition or an abort", () => {
    for (const reason of ["tokens", "completion-tokens", "calls", "score-calls", "time", "cost"] as const) {
      expect(isBudgetLimit(reason)).toBe(true);
    }
    for (const reason of [
      "complete",
      "abort",
      "samples-lost",
      "condition:consensus",
      "condition:time",
    ] as const) {
      expect(isBudgetLimit(reason)).toBe(false);
    }
  });
});
