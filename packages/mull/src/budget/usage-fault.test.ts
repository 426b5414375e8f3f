import { describe, expect, it } from "vitest";
import { usageFault } from "./usage-fault.ts";

describe("usageFault", () => {
  it("finds nothing wrong with a usage that keeps the contract, unknown token counts included", () => {
    expect(usageFault({ promptTokens: 10, completionTokens: 5, calls: 1 })).toBeUndefined();
    expect(usageFault({ promptTokens: undefined, completionTokens: undefined, calls: 0 })).toBeUndefined();
    expect(
      usageFault({
        promptTokens: 3,
        completionTokens: 4,
        cachedPromptTokens: 2,
        reasoningTokens: 1,
        calls: 2,
      }),
    ).toBeUndefined();
  });

  it("names a missing or malformed call count first", () => {
    expect(usageFault({ promptTokens: 10, completionTokens: 5 })).toEqual({
      field: "calls",
      message: "usage.calls must be an integer ≥ 0, got undefined",
    });
    expect(usageFault({ promptTokens: -1, completionTokens: 5, calls: 1.5 })?.message).toBe(
      "usage.calls must be an integer ≥ 0, got 1.5",
    );
  });

  it("names a token count below 0 or not a number", () => {
    expect(usageFault({ promptTokens: Number.NaN, completionTokens: 5, calls: 1 })).toEqual({
      field: "promptTokens",
      message: "usage.promptTokens must be a number ≥ 0 or undefined (not reported), got NaN",
    });
    expect(usageFault({ promptTokens: 1, completionTokens: -5, calls: 1 })?.field).toBe("completionTokens");
    expect(
      usageFault({ promptTokens: 1, completionTokens: 5, cachedPromptTokens: "2", calls: 1 })?.message,
    ).toBe('usage.cachedPromptTokens must be a number ≥ 0 or undefined (not reported), got "2"');
    expect(
      usageFault({ promptTokens: 1, completionTokens: 5, reasoningTokens: Infinity, calls: 1 })?.field,
    ).toBe("reasoningTokens");
  });

  it("names a usage that is no object", () => {
    expect(usageFault(undefined)).toEqual({
      field: undefined,
      message: "usage must be a usage object { promptTokens, completionTokens, calls }, got undefined",
    });
    expect(usageFault([1, 2])?.field).toBeUndefined();
  });
});
