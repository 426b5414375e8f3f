import { describe, expect, it } from "vitest";
import { usageBody } from "./usage-body.ts";

describe("usageBody", () => {
  it("reports known counts with their total", () => {
    expect(usageBody({ promptTokens: 76, completionTokens: 135, calls: 8 })).toEqual({
      prompt_tokens: 76,
      completion_tokens: 135,
      total_tokens: 211,
    });
  });

  it("leaves out only the count the upstream did not report, and the total", () => {
    expect(usageBody({ promptTokens: undefined, completionTokens: 135, calls: 8 })).toEqual({
      completion_tokens: 135,
    });
    expect(usageBody({ promptTokens: 76, completionTokens: undefined, calls: 8 }, 10)).toEqual({
      prompt_tokens: 76,
      completion_tokens_details: { reasoning_tokens: 10 },
    });
  });

  it("is undefined when neither count is known", () => {
    expect(usageBody({ promptTokens: undefined, completionTokens: undefined, calls: 1 })).toBeUndefined();
  });
});
