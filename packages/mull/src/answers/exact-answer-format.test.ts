import { describe, expect, it } from "vitest";
import { exactAnswerFormat as format } from "./exact-answer-format.ts";

describe("exactAnswerFormat", () => {
  it("extracts a marked answer, else the whole trimmed text", () => {
    expect(format.extract("The capital is Paris.\n#### Paris")).toBe("Paris");
    expect(format.extract("So the answer is Paris.")).toBe("Paris");
    expect(format.extract("  Paris \n")).toBe("Paris");
    expect(format.extract("   ")).toBeUndefined();
  });

  it("compares trimmed strings exactly", () => {
    expect(format.equivalent(" Paris ", "Paris")).toBe(true);
    expect(format.equivalent("paris", "Paris")).toBe(false);
    expect(format.equivalent("1000", "1,000")).toBe(false);
    expect(format.key("  5/1/2021 ")).toBe("5/1/2021");
  });
});
