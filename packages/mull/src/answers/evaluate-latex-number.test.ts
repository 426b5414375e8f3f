import { describe, expect, it } from "vitest";
import { evaluateLatexNumber } from "./evaluate-latex-number.ts";

describe("evaluateLatexNumber", () => {
  it("reads numbers and plain arithmetic", () => {
    expect(evaluateLatexNumber("1000.0")).toBe(1000);
    expect(evaluateLatexNumber(".35")).toBeCloseTo(0.35);
    expect(evaluateLatexNumber("-3/4")).toBe(-0.75);
    expect(evaluateLatexNumber("2^{10} - 2 * 3")).toBe(1018);
    expect(evaluateLatexNumber("1e-3")).toBe(0.001);
    expect(evaluateLatexNumber("10^-2")).toBe(0.01);
  });

  it("reads \\frac, \\sqrt, \\pi and implicit products", () => {
    expect(evaluateLatexNumber("\\frac{1}{2}")).toBe(0.5);
    expect(evaluateLatexNumber("\\frac12")).toBe(0.5);
    expect(evaluateLatexNumber("\\frac{270}7")).toBeCloseTo(270 / 7);
    expect(evaluateLatexNumber("2\\sqrt{3}")).toBeCloseTo(2 * Math.sqrt(3));
    expect(evaluateLatexNumber("\\sqrt[3]{-8}")).toBeCloseTo(-2);
    expect(evaluateLatexNumber("\\frac{\\pi}{2}")).toBeCloseTo(Math.PI / 2);
    expect(evaluateLatexNumber("\\pi")).toBeCloseTo(Math.PI, 12);
    expect(evaluateLatexNumber("3 \\cdot (2+1)")).toBe(9);
    expect(evaluateLatexNumber("2(3)")).toBe(6);
  });

  it("gives up on variables, unknown commands, infinities and malformed input", () => {
    for (const text of ["2x", "\\infty", "1+2i", "\\frac{1}{", "(1,2)", "", "abc", "1/0", "\\alpha"]) {
      expect(evaluateLatexNumber(text), text).toBeUndefined();
    }
  });
});
