import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { checkInteger, checkNumber, checkOneOf, checkPositive } from "./check-number.ts";

describe("scalar option checks", () => {
  it("return a valid value and name owner, field, expectation and value otherwise", () => {
    expect(checkInteger("sc", "n", 3, { minimum: 1 })).toBe(3);
    expect(() => checkInteger("sc", "n", 0, { minimum: 1 })).toThrow("sc: n must be an integer ≥ 1, got 0");
    expect(() => checkInteger("sc", "n", 1.5)).toThrow("sc: n must be an integer, got 1.5");
    expect(() => checkInteger("sc", "n", "4", { minimum: 1, maximum: 9 })).toThrow(
      'sc: n must be an integer from 1 to 9, got "4"',
    );
    expect(checkNumber("noisy", "rate", 0.5, { minimum: 0, maximum: 1 })).toBe(0.5);
    expect(() => checkNumber("noisy", "rate", Number.NaN, { maximum: 1 })).toThrow(
      "noisy: rate must be a number ≤ 1, got null",
    );
    expect(() => checkPositive("pf", "softmaxTemperature", 0)).toThrow(
      "pf: softmaxTemperature must be a positive number, got 0",
    );
    expect(checkOneOf("pf", "resampling", "systematic", ["multinomial", "systematic"])).toBe("systematic");
    expect(() => checkOneOf("pf", "resampling", "x", ["a", "b", "c"])).toThrow(
      'pf: resampling must be "a", "b" or "c", got "x"',
    );
  });

  it("throw a ConfigError whose field is the option", () => {
    try {
      checkInteger("beam", "width", -1, { minimum: 1 });
      expect.unreachable();
    } catch (error) {
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).field).toBe("width");
    }
  });
});
