import { describe, expect, it } from "vitest";
import { stripLatexMarkup } from "./strip-latex-markup.ts";

describe("stripLatexMarkup", () => {
  it("drops a unit after a value, whether the value ends in a digit or a brace", () => {
    expect(stripLatexMarkup("5.4 \\text{ cents}")).toBe("5.4");
    expect(stripLatexMarkup("\\frac{1}{2}\\text{cm}")).toBe("\\frac{1}{2}");
    // Text that follows no value stays, without its command.
    expect(stripLatexMarkup("\\text{Evelyn}")).toBe("Evelyn");
  });

  it("unwraps a box only when it holds the whole answer", () => {
    expect(stripLatexMarkup("\\boxed{\\frac{1}{2}}")).toBe("\\frac{1}{2}");
    expect(stripLatexMarkup("\\boxed{3}, \\boxed{5}")).toBe("\\boxed{3}, \\boxed{5}");
  });
});
