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
      "noisy: rate must be a number ≤ 1, got NaN",
    );
    expect(() => checkNumber("sc", "temperature", Number.NEGATIVE_INFINITY)).toThrow(
      "sc: temperature must be a number, got -Infinity",
    );
    expect(() => checkInteger("sc", "n", 10n, { minimum: 1 })).toThrow(
      "sc: n must be an integer ≥ 1, got 10n",
    );
    expect(() => checkInteger("sc", "n", undefined)).toThrow("sc: n must be an integer, got undefined");
    expect(() => checkPositive("pf", "softmaxTemperature", 0)).toThrow(
      "pf: softmaxTemperature must be a positive number, got 0",
    );
    expect(checkOneOf("pf", "resampling", "systematic", ["multinomial", "systematic"])).toBe("systematic");
    expect(() => checkOneOf("pf", "resampling", "x", ["a", "b", "c"])).toThrow(
      'pf: resampling must be "a", "b" or "c", got "x"',
    );
    expect(() => checkOneOf("pf", "resampling", Symbol("x"), ["a", "b"])).toThrow(
      'pf: resampling must be "a" or "b", got Symbol(x)',
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

  it("take exclusive bounds, and other words for what is expected where a caller needs them", () => {
    expect(checkNumber("consensus", "fraction", 1, { exclusiveMinimum: 0, maximum: 1 })).toBe(1);
    expect(() => checkNumber("consensus", "fraction", 0, { exclusiveMinimum: 0, maximum: 1 })).toThrow(
      "consensus: fraction must be a number > 0 and ≤ 1, got 0",
    );
    expect(() =>
      checkNumber("bootstrap", "confidence", 1, { exclusiveMinimum: 0, exclusiveMaximum: 1 }),
    ).toThrow("bootstrap: confidence must be a number > 0 and < 1, got 1");
    expect(() =>
      checkInteger("passAtK", "k", 6, { minimum: 1, maximum: 5, expected: "at most n = 5" }),
    ).toThrow("passAtK: k must be at most n = 5, got 6");
  });

  it("word a lookup by name with a noun", () => {
    expect(checkOneOf("--grader", "grader", "math", ["math", "exact"], { noun: "grader" })).toBe("math");
    try {
      checkOneOf("--grader", "grader", "fuzzy", ["math", "exact"], { noun: "grader" });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe('--grader: unknown grader "fuzzy"; expected one of math, exact');
      expect((error as ConfigError).field).toBe("grader");
    }
  });
});
