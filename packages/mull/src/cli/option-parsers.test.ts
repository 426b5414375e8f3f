import { InvalidArgumentError } from "@commander-js/extra-typings";
import { describe, expect, it } from "vitest";
import { integerOption, numberOption, topPOption } from "./option-parsers.ts";

describe("flag parsers", () => {
  it("read integers and numbers within their bounds", () => {
    expect(integerOption(1)("12")).toBe(12);
    expect(integerOption(0, 9)(" 9 ")).toBe(9);
    expect(numberOption(0, 1)("0.5")).toBe(0.5);
  });

  it("refuse the rest for commander to name the flag, saying what was expected and what was given", () => {
    expect(() => integerOption(1)("0")).toThrow(InvalidArgumentError);
    expect(() => integerOption(1)("0")).toThrow('expected an integer ≥ 1, got "0"');
    expect(() => integerOption(1, 64)("1.5")).toThrow('expected an integer from 1 to 64, got "1.5"');
    expect(() => integerOption(1, 64)("1e1")).toThrow('got "1e1"');
    expect(() => numberOption(0, 5)("hot")).toThrow('expected a number from 0 to 5, got "hot"');
    expect(() => numberOption(0, 5)(" ")).toThrow(InvalidArgumentError);
  });

  it("refuse a top-p of 0, which would keep no token, as the backends do, and accept 1", () => {
    expect(() => topPOption("0")).toThrow('expected a number > 0 and ≤ 1, got "0"');
    expect(() => topPOption("1.01")).toThrow(InvalidArgumentError);
    expect(topPOption("1")).toBe(1);
    expect(topPOption("0.05")).toBe(0.05);
  });
});
