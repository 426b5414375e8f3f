import { describe, expect, it } from "vitest";
import { usageCounts } from "./usage-counts.ts";

describe("usageCounts", () => {
  it("adds prompt and completion tokens into the total", () => {
    expect(usageCounts({ promptTokens: 19, completionTokens: 33, calls: 1 })).toEqual({
      prompt_tokens: 19,
      completion_tokens: 33,
      total_tokens: 52,
      calls: 1,
    });
  });

  it("reports a count the upstream did not report as null, never 0, and then no total", () => {
    expect(usageCounts({ promptTokens: 5, completionTokens: undefined, calls: 1 })).toEqual({
      prompt_tokens: 5,
      completion_tokens: null,
      total_tokens: null,
      calls: 1,
    });
    expect(usageCounts({ promptTokens: undefined, completionTokens: 7, calls: 2 })).toEqual({
      prompt_tokens: null,
      completion_tokens: 7,
      total_tokens: null,
      calls: 2,
    });
  });
});
