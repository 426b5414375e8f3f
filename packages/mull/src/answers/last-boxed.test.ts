import { describe, expect, it } from "vitest";
import { lastBoxed } from "./last-boxed.ts";

describe("lastBoxed", () => {
  it("keeps nested braces", () => {
    expect(lastBoxed("so $\\boxed{\\frac{\\sqrt{3}}{2}}$.")).toBe("\\frac{\\sqrt{3}}{2}");
  });

  it("takes the last box", () => {
    expect(lastBoxed("first \\boxed{1}, then \\boxed{2}")).toBe("2");
  });

  it("reads \\fbox, \\framebox and an unbraced \\boxed", () => {
    expect(lastBoxed("$\\fbox{7}$")).toBe("7");
    expect(lastBoxed("or $\\framebox{204}$ minutes")).toBe("204");
    expect(lastBoxed("$\\boxed 5$")).toBe("5");
  });

  it("treats escaped braces as content", () => {
    expect(lastBoxed("\\boxed{\\{1,2\\}}")).toBe("\\{1,2\\}");
    // An escaped brace with no partner does not leave the box unclosed.
    expect(lastBoxed("\\boxed{\\left\\{ x \\right.}")).toBe("\\left\\{ x \\right.");
  });

  it("skips a box cut off before its closing brace", () => {
    expect(lastBoxed("\\boxed{3} and later \\boxed{\\frac{1}{")).toBe("3");
  });

  it("finds nothing when there is no box", () => {
    expect(lastBoxed("The answer is 3.")).toBeUndefined();
    expect(lastBoxed("\\boxedfoo{3}")).toBeUndefined();
    expect(lastBoxed("\\boxed{ }")).toBeUndefined();
  });
});
