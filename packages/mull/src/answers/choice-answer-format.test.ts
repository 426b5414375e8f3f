import { describe, expect, it } from "vitest";
import { choiceAnswerFormat as format } from "./choice-answer-format.ts";

describe("choiceAnswerFormat", () => {
  it("extracts the letter from the usual ways of stating it", () => {
    const cases: [string, string][] = [
      ["(B)", "B"],
      ["B)", "B"],
      ["the answer is B", "B"],
      ["Answer: b", "B"],
      ["After checking each option, the answer is (D) 42.", "D"],
      ["So the final answer is $\\boxed{\\text{(C)}}$.", "C"],
      ["Option (A) fails and (E) holds.", "E"],
      ["A) 3\nB) 4\nC) 5\nonly\nC) works", "C"],
    ];
    for (const [text, letter] of cases) expect(format.extract(text), text).toBe(letter);
  });

  it("prefers a stated answer to letters mentioned earlier", () => {
    expect(format.extract("(A) is wrong and (B) too, so the answer is C.")).toBe("C");
  });

  it("finds nothing in a text that names no option", () => {
    expect(format.extract("I think it is 42.")).toBeUndefined();
    expect(format.extract("All of them work.")).toBeUndefined();
  });

  it("keys by capital letter", () => {
    expect(format.equivalent("(b)", "B")).toBe(true);
    expect(format.equivalent("B.", "\\text{(B)}")).toBe(true);
    expect(format.equivalent("option c", "C")).toBe(true);
    expect(format.equivalent("(B)", "(C)")).toBe(false);
    expect(format.key("(B) 42")).toBe("B");
    expect(format.key("B: 42")).toBe("B");
  });
});
