import { describe, expect, it } from "vitest";
import { answerAfterPhrase } from "./answer-after-phrase.ts";

describe("answerAfterPhrase", () => {
  it("reads 'the answer is' up to the end of the sentence", () => {
    expect(answerAfterPhrase("Today is 05/01/2021. So the answer is 05/01/2021.\n\n")).toBe("05/01/2021");
    expect(answerAfterPhrase("The answer is 3.5. Next question")).toBe("3.5");
  });

  it("reads 'Final answer:' and 'Answer:' with markdown and dollar signs", () => {
    expect(answerAfterPhrase("**Final Answer:** $\\frac{3}{4}$")).toBe("\\frac{3}{4}");
    expect(answerAfterPhrase("Answer: b")).toBe("b");
    expect(answerAfterPhrase("The final answer is $42$. I hope it is correct.")).toBe("42");
  });

  it("takes the last statement and the next line when the phrase ends its line", () => {
    expect(answerAfterPhrase("the answer is 3, no wait, the answer is 4")).toBe("4");
    expect(answerAfterPhrase("The answer is:\n\n  12 apples")).toBe("12 apples");
  });

  it("reads the next line after a bold phrase whose closing asterisks are left on its line", () => {
    expect(answerAfterPhrase("Work...\n**Final Answer:**\n42")).toBe("42");
  });

  it("drops a trailing semicolon as it drops a trailing period", () => {
    expect(answerAfterPhrase("so the answer is 42;")).toBe("42");
    expect(answerAfterPhrase("so the answer is 42.;")).toBe("42");
  });

  it("finds nothing without the phrase", () => {
    expect(answerAfterPhrase("We get 12 in the end.")).toBeUndefined();
    expect(answerAfterPhrase("the answer is")).toBeUndefined();
  });
});
