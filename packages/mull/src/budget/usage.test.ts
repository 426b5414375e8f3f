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

  it("keeps cached prompt tokens where any part reported them, counting 0 for the parts that did not", () => {
    const sum = addUsage(
      { promptTokens: 10, completionTokens: 1, cachedPromptTokens: 4, calls: 1 },
      { promptTokens: 10, completionTokens: 1, calls: 1 },
    );
    // 4 + 0 cached of 10 + 10 prompt tokens.
    expect(sum).toEqual({ promptTokens: 20, completionTokens: 2, cachedPromptTokens: 4, calls: 2 });
    expect(addUsage(emptyUsage, { promptTokens: 3, completionTokens: 1, calls: 1 })).not.toHaveProperty(
      "cachedPromptTokens",
    );
  });

  it("sums reasoning tokens over the parts that reported them, and leaves them out where none did", () => {
    const sum = addUsage(
      { promptTokens: 10, completionTokens: 8, reasoningTokens: 3, calls: 1 },
      { promptTokens: 10, completionTokens: 2, calls: 1 },
      { promptTokens: 1, completionTokens: 6, reasoningTokens: 4, calls: 1 },
    );
    expect(sum).toEqual({ promptTokens: 21, completionTokens: 16, reasoningTokens: 7, calls: 3 });
    expect(
      addUsage(emptyUsage, { promptTokens: 3, completionTokens: 1, reasoningTokens: 0, calls: 1 }),
    ).toEqual({ promptTokens: 3, completionTokens: 1, reasoningTokens: 0, calls: 1 });
    expect(addUsage(emptyUsage, { promptTokens: 3, completionTokens: 1, calls: 1 })).not.toHaveProperty(
      "reasoningTokens",
    );
  });
});
