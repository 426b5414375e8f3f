import { describe, expect, it } from "vitest";
import { addUsage, emptyUsage, totalTokens } from "./usage.ts";

describe("usage arithmetic", () => {
  it("sums known counts and calls", () => {
    const sum = addUsage(
      { promptTokens: 10, completionTokens: 5, calls: 1 },
      { promptTokens: 3, completionTokens: 7, calls: 2 },
    );
    expect(sum).toEqual({ promptTokens: 13, completionTokens: 12, calls: 3 });
    expect(totalTokens(sum)).toBe(25);
  });

  it("keeps a count unknown when any part did not report it", () => {
    const sum = addUsage(emptyUsage, { promptTokens: undefined, completionTokens: 4, calls: 1 });
    expect(sum.promptTokens).toBeUndefined();
    expect(sum.completionTokens).toBe(4);
    expect(totalTokens(sum)).toBeUndefined();
  });
});
