import { describe, expect, it } from "vitest";
import { autoAnswerFormat as format } from "./auto-answer-format.ts";

describe("autoAnswerFormat", () => {
  it("extracts in order: last ####, last box, stated answer, last number", () => {
    expect(format.extract("#### 3\n\\boxed{4}\n#### 5\nthe answer is 6")).toBe("5");
    expect(format.extract("\\boxed{4} and \\boxed{\\frac{1}{2}}; the answer is 6")).toBe("\\frac{1}{2}");
    expect(format.extract("The answer is 6. Checking: 2 * 3 = 6, plus 1 is 7")).toBe("6");
    expect(format.extract("37+48=85\n85-19=66")).toBe("66");
    expect(format.extract("I do not know.")).toBeUndefined();
  });

  it("reads a number out of a stated answer written as a sentence", () => {
    expect(format.extract("Answer: the total number of apples is 12.")).toBe("12");
    expect(format.extract("The answer is 12 apples.")).toBe("12 apples");
    expect(format.extract("Final answer: Evelyn")).toBe("Evelyn");
  });

  it("keeps a LaTeX stated answer whole when words follow it", () => {
    const answer = format.extract("The answer is \\frac{1}{2} of the total cake.");
    expect(answer).toBeDefined();
    expect(format.key(answer!)).toBe("0.5");
  });

  it("reads the arithmetic lab's solutions", () => {
    expect(format.extract("37+48=85\n85-19=66\n#### 66")).toBe("66");
  });

  it("compares numbers and MATH answers by value", () => {
    expect(format.equivalent("1,000", "1000.0")).toBe(true);
    expect(format.equivalent("\\frac{1}{2}", "0.5")).toBe(true);
    expect(format.equivalent("\\left( 1, 2 \\right)", "(1,2)")).toBe(true);
    expect(format.equivalent("$18", "18")).toBe(true);
    expect(format.equivalent("1000", "100")).toBe(false);
  });

  it("compares dates as dates, not as divisions", () => {
    expect(format.equivalent("5/1/2021", "05/01/2021")).toBe(true);
    expect(format.key("05/01/2021")).toBe("05/01/2021");
    // As arithmetic 10/2/2021 and 5/1/2021 are the same number; as dates they differ.
    expect(format.equivalent("10/2/2021", "5/1/2021")).toBe(false);
    expect(format.equivalent("3/4", "0.75")).toBe(true);
  });
});
