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

  it("never settles with more than the reservation", () => {
    expect(settledTokens({ promptTokens: undefined, completionTokens: 600, calls: 8 }, 19, 664)).toBe(664);
    expect(settledTokens({ promptTokens: 100, completionTokens: 600, calls: 1 }, 19, 664)).toBe(664);
  });

  it("keeps the reservation when the completion tokens are unknown", () => {
    expect(
      settledTokens({ promptTokens: 76, completionTokens: undefined, calls: 8 }, 19, 664),
    ).toBeUndefined();
  });
});
