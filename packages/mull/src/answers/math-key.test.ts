import { describe, expect, it } from "vitest";
import { mathKey } from "./math-key.ts";

describe("mathKey", () => {
  it("keys a bare \\pi as its value", () => {
    expect(mathKey("\\pi")).toBe(mathKey("3.14159265359"));
  });

  it("keys two adjacent bracket groups as they are, not as one group", () => {
    expect(mathKey("(a)(b)")).toBe("(a)(b)");
    expect(mathKey("(a)")).toBe("a");
  });

  it("reads two boxes as a list of two answers, not as one box around them", () => {
    expect(mathKey("\\boxed{3}, \\boxed{5}")).toBe(mathKey("3, 5"));
  });
});
