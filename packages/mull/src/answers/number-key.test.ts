import { describe, expect, it } from "vitest";
import { numberKey } from "./number-key.ts";
import { numericKey } from "./numeric-key.ts";

describe("numberKey", () => {
  it("drops trailing zeros, float noise and negative zero", () => {
    expect(numberKey(1000)).toBe("1000");
    expect(numberKey(0.1 + 0.2)).toBe("0.3");
    expect(numberKey(-0)).toBe("0");
    expect(numberKey(1 / 3)).toBe("0.333333333333");
  });

  it("keeps every digit of a long decimal literal", () => {
    expect(numberKey(Number("12345678901234567"), "12345678901234567")).toBe("12345678901234567");
    expect(numberKey(-1.50000000000001, "-0001.500000000000010")).toBe("-1.50000000000001");
    expect(numberKey(12.5, "12.50")).toBe("12.5");
  });

  it("keys a literal of exactly twelve significant digits as its value, so its exponent form matches it", () => {
    // Twelve digits are what the key keeps anyway: the literal adds none, and 1.23456789012e-7 is the key.
    expect(numberKey(1.23456789012e-7, "0.000000123456789012")).toBe(numberKey(1.23456789012e-7));
    expect(numericKey("0.000000123456789012")).toBe(numericKey("1.23456789012 \\times 10^{-7}"));
  });
});
