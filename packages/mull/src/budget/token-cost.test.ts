import { describe, expect, it } from "vitest";
import { tokenCostUsd } from "./token-cost.ts";

describe("tokenCostUsd", () => {
  it("prices each count at its own rate per million tokens", () => {
    const price = { promptUsdPerMillion: 1, completionUsdPerMillion: 4 };
    expect(tokenCostUsd(price, 100, 50)).toBeCloseTo(0.0003, 12);
    expect(tokenCostUsd(price, 1_000_000, 0)).toBe(1);
    expect(tokenCostUsd(price, 0, 1_000_000)).toBe(4);
  });
});
