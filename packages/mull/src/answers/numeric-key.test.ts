import { describe, expect, it } from "vitest";
import { numericKey } from "./numeric-key.ts";

describe("numericKey", () => {
  it("keys a mixed number with its sign", () => {
    expect(numericKey("1\\frac{1}{2}")).toBe("1.5");
    expect(numericKey("-1\\frac{1}{2}")).toBe("-1.5");
    expect(numericKey("-1 \\frac{1}{2}")).toBe("-1.5");
  });

  it("drops commas only when they group thousands: a list of numbers is not a number", () => {
    expect(numericKey("1,234")).toBe("1234");
    expect(numericKey("-11,111,100.5")).toBe("-11111100.5");
    expect(numericKey("1,2")).toBeUndefined();
    expect(numericKey("1, 234")).toBeUndefined();
  });

  it("drops a unit written right after a closing brace", () => {
    expect(numericKey("\\frac{1}{2}\\text{cm}")).toBe("0.5");
    expect(numericKey("\\frac{1}{2}\\text{ cm}")).toBe("0.5");
  });
});
