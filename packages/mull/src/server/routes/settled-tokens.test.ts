import { describe, expect, it } from "vitest";
import { settledTokens } from "./settled-tokens.ts";

describe("settledTokens", () => {
  it("settles with the prompt and completion tokens reported", () => {
    expect(settledTokens({ promptTokens: 76, completionTokens: 135, calls: 8 }, 19, 664)).toBe(211);
  });

  it("takes an unknown prompt as the plan's prompt for each call, not the whole reservation", () => {
    expect(settledTokens({ promptTokens: undefined, completionTokens: 135, calls: 8 }, 19, 664)).toBe(
      135 + 8 * 19,
    );
  });

  it("charges every reported token, even beyond the reservation", () => {
    // A CJK prompt the upstream counts at 2,030 tokens, reserved at an estimate of 500.
    expect(settledTokens({ promptTokens: 2_030, completionTokens: 10, calls: 1 }, 500, 510)).toBe(2_040);
    expect(settledTokens({ promptTokens: 100, completionTokens: 600, calls: 1 }, 19, 664)).toBe(700);
  });

  it("never lets an estimated prompt bring the charge above the reservation", () => {
    expect(settledTokens({ promptTokens: undefined, completionTokens: 600, calls: 8 }, 19, 664)).toBe(664);
  });

  it("charges the reported completion tokens in full even when the prompt is unknown", () => {
    expect(settledTokens({ promptTokens: undefined, completionTokens: 700, calls: 8 }, 19, 664)).toBe(700);
  });

  it("keeps the reservation when the completion tokens are unknown", () => {
    expect(
      settledTokens({ promptTokens: 76, completionTokens: undefined, calls: 8 }, 19, 664),
    ).toBeUndefined();
  });
});
