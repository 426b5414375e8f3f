import { describe, expect, it } from "vitest";
import { BudgetExhaustedError } from "../../errors/index.ts";
import { ApiError } from "../http/index.ts";
import { usedBeforeFailure } from "./used-before-failure.ts";

describe("usedBeforeFailure", () => {
  it("reads the usage an ApiError carries, through the chain of causes", () => {
    const quorum = new ApiError(502, "only 1 of 2 samples succeeded", {
      usage: { promptTokens: 12, completionTokens: 30, calls: 1 },
    });
    expect(usedBeforeFailure(quorum)).toBe(42);
    expect(usedBeforeFailure(new Error("wrapped", { cause: quorum }))).toBe(42);
  });

  it("reads what a run whose budget ran out had spent", () => {
    const exhausted = new BudgetExhaustedError("tokens");
    exhausted.spent = { usage: { promptTokens: 5, completionTokens: undefined, calls: 1 }, scoreCalls: 0 };
    expect(usedBeforeFailure(exhausted)).toBe(5);
  });

  it("is 0 when the error tells nothing the upstream reported", () => {
    expect(usedBeforeFailure(new ApiError(503, "circuit open"))).toBe(0);
    expect(usedBeforeFailure(new DOMException("the client disconnected", "AbortError"))).toBe(0);
    expect(usedBeforeFailure(new BudgetExhaustedError("calls"))).toBe(0);
  });
});
