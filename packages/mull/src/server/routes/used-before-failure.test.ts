import { describe, expect, it } from "vitest";
import { BackendCallError, BudgetExhaustedError } from "../../errors/index.ts";
import { ApiError } from "../http/index.ts";
import { chargedTokens, failureCharge, failureUsage, usageBeforeFailure } from "./used-before-failure.ts";

describe("usageBeforeFailure, as chargedTokens counts it", () => {
  it("reads the usage an ApiError carries, through the chain of causes", () => {
    const quorum = new ApiError(502, "only 1 of 2 samples succeeded", {
      usage: { promptTokens: 12, completionTokens: 30, calls: 1 },
    });
    expect(chargedTokens(usageBeforeFailure(quorum))).toBe(42);
    expect(chargedTokens(usageBeforeFailure(new Error("wrapped", { cause: quorum })))).toBe(42);
  });

  it("reads what a run whose budget ran out had spent", () => {
    const exhausted = new BudgetExhaustedError("tokens");
    exhausted.spent = { usage: { promptTokens: 5, completionTokens: undefined, calls: 1 }, scoreCalls: 0 };
    expect(chargedTokens(usageBeforeFailure(exhausted))).toBe(5);
  });

  it("reads what a failed upstream call had used, its unknown prompt as 0, under whatever wraps it", () => {
    const broken = new BackendCallError("the stream broke after 4 chunks", {
      usage: { promptTokens: undefined, completionTokens: 4, calls: 1 },
    });
    expect(chargedTokens(usageBeforeFailure(broken))).toBe(4);
    expect(usageBeforeFailure(new Error("wrapped", { cause: broken }))).toEqual(broken.usage);
    // A quorum's usage covers every sample, the broken one's included: it wins.
    const quorum = new ApiError(502, "only 0 of 2 samples succeeded", {
      cause: broken,
      usage: { promptTokens: 10, completionTokens: 9, calls: 2 },
    });
    expect(chargedTokens(usageBeforeFailure(quorum))).toBe(19);
  });

  it("is 0 when the error tells nothing the upstream reported", () => {
    expect(chargedTokens(usageBeforeFailure(new ApiError(503, "circuit open")))).toBe(0);
    expect(chargedTokens(usageBeforeFailure(new DOMException("the client disconnected", "AbortError")))).toBe(
      0,
    );
    expect(chargedTokens(usageBeforeFailure(new BudgetExhaustedError("calls")))).toBe(0);
    expect(
      chargedTokens(usageBeforeFailure(new BackendCallError("failed with status 503", { status: 503 }))),
    ).toBe(0);
    expect(usageBeforeFailure(new ApiError(503, "circuit open"))).toBeUndefined();
  });
});

describe("failureUsage", () => {
  const metered = { promptTokens: 40, completionTokens: 12, calls: 4 };

  it("takes what the upstream calls reported where the error tells nothing (an abort, an open circuit)", () => {
    expect(failureUsage(new DOMException("the client disconnected", "AbortError"), metered)).toBe(metered);
    expect(failureUsage(new ApiError(503, "circuit open"), metered)).toBe(metered);
  });

  it("takes the fuller of the error's usage and the calls' by their tokens", () => {
    const quorum = new ApiError(502, "only 1 of 4 samples succeeded", {
      usage: { promptTokens: 10, completionTokens: 3, calls: 1 },
    });
    expect(failureUsage(quorum, metered)).toBe(metered);
    const exhausted = new BudgetExhaustedError("tokens");
    exhausted.spent = { usage: { promptTokens: 40, completionTokens: 20, calls: 4 }, scoreCalls: 0 };
    expect(failureUsage(exhausted, metered)).toEqual(exhausted.spent.usage);
  });

  it("tells nothing where neither does", () => {
    expect(failureUsage(new ApiError(503, "circuit open"), undefined)).toBeUndefined();
  });
});

describe("failureCharge", () => {
  const untold = { promptTokens: 12, completionTokens: undefined, calls: 1 };

  it("keeps the reservation of a request that waited for whole answers whose calls told no completion tokens", () => {
    expect(failureCharge(untold, 76, true)).toBe(76);
    // A prompt reported beyond the reservation is charged in full.
    expect(failureCharge({ ...untold, promptTokens: 90 }, 76, true)).toBe(90);
  });

  it("charges what was used where the completion tokens are known, or the answers were streamed", () => {
    expect(failureCharge({ ...untold, completionTokens: 4 }, 76, true)).toBe(16);
    expect(failureCharge(untold, 76, false)).toBe(12);
  });

  it("charges nothing where no upstream call was charged", () => {
    expect(failureCharge(undefined, 76, true)).toBe(0);
    expect(failureCharge({ promptTokens: undefined, completionTokens: undefined, calls: 0 }, 76, true)).toBe(
      0,
    );
  });
});
