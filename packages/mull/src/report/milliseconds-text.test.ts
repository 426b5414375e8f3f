import { describe, expect, it } from "vitest";
import { millisecondsText } from "./milliseconds-text.ts";

describe("millisecondsText", () => {
  it("writes whole milliseconds with thousands separators and never an exponent", () => {
    expect(millisecondsText(1849.6)).toBe("1,850");
    expect(millisecondsText(1790.2)).toBe("1,790");
    expect(millisecondsText(1_234_567.8)).toBe("1,234,568");
    expect(millisecondsText(100)).toBe("100");
    expect(millisecondsText(1e21)).not.toMatch(/e/i);
  });

  it("keeps three significant digits below 100 ms, and says unknown for none", () => {
    expect(millisecondsText(99.94)).toBe("99.9");
    expect(millisecondsText(12.345)).toBe("12.3");
    expect(millisecondsText(0.04567)).toBe("0.0457");
    expect(millisecondsText(0)).toBe("0");
    expect(millisecondsText(undefined)).toBe("unknown");
    expect(millisecondsText(Number.NaN)).toBe("unknown");
  });
});
