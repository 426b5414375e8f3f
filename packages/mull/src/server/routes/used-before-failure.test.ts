import { describe, expect, it } from "vitest";
import { BackendCallError, BudgetExhaustedError } from "../../errors/index.ts";
import { ApiError } from "../http/index.ts";
import { usageBeforeFailure, usedBeforeFailure } from "./used-before-failure.ts";

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

  it("reads what a failed upstream call had used, its unknown prompt as 0, under whatever wraps it", () => {
    const broken = new BackendCallError("the stream broke after 4 chunks", {
      usage: { promptTokens: undefined, completionTokens: 4, calls: 1 },
    });
    expect(usedBeforeFailure(broken)).toBe(4);
    expect(usageBeforeFailure(new Error("wrapped", { cause: broken }))).toEqual(broken.usage);
    // A quorum's usage covers every sample, the broken one's included: it wins.
    const quorum = new ApiError(502, "only 0 of 2 samples succeeded", {
      cause: broken,
      usage: { promptTokens: 10, completionTokens: 9, calls: 2 },
    });
    expect(usedBeforeFailure(quorum)).toBe(19);
  });

  it("is 0 when the error tells nothing the upstream reported", () => {
    expect(usedBeforeFailure(new ApiError(503, "circuit open"))).toBe(0);
    expect(usedBeforeFailure(new DOMException("the client disconnected", "AbortError"))).toBe(0);
    expect(usedBeforeFailure(new BudgetExhaustedError("calls"))).toBe(0);
    expect(usedBeforeFailure(new BackendCallError("failed with status 503", { status: 503 }))).toBe(0);
    expect(usageBeforeFailure(new ApiError(503, "circuit open"))).toBeUndefined();
  });
});
