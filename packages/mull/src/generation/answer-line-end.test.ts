import { describe, expect, it } from "vitest";
import { answerLineEnd } from "./answer-line-end.ts";

describe("answerLineEnd", () => {
  it("ends an answer line a line break ended at that break, however much followed it", () => {
    const text = "\n719-95=624\n#### 624\nQ: 5+5=?\nso 10\n";
    const end = answerLineEnd(text, "\n#### ");
    expect(end).toBe(20);
    expect(text.slice(0, end)).toBe("\n719-95=624\n#### 624");
    expect(answerLineEnd("\n#### 624\n", "\n#### ")).toBe(9);
  });

  it("ends the last answer line, not an earlier one", () => {
    const text = "\n#### 7\n719-95=624\n#### 624\nQ: 5+5=?";
    expect(text.slice(0, answerLineEnd(text, "\n#### "))).toBe("\n#### 7\n719-95=624\n#### 624");
  });

  it("passes over what repeats the answer line where no cue may start", () => {
    // "x#### 624" is no cue of a line's start: the answer line is the first "#### 624".
    const text = "\n#### 624\nx#### 624\nQ:";
    expect(answerLineEnd(text, "\n#### ")).toBe(9);
  });

  it("ends a cue that begins with no line break at the line break after it", () => {
    expect(answerLineEnd("so x=47\nthen 3", " x=")).toBe(7);
    const text = "so 12\n\nFinal answer: 12\n\nQ:";
    expect(text.slice(0, answerLineEnd(text, "\n\nFinal answer: "))).toBe("so 12\n\nFinal answer: 12");
  });

  it("finds no end for a line the text ends on, or where it wrote no answer line", () => {
    expect(answerLineEnd("\n719-95=624\n#### 62", "\n#### ")).toBeUndefined();
    expect(answerLineEnd("\n719-95=624\n", "\n#### ")).toBeUndefined();
    expect(answerLineEnd("\n42+5=47 #### 47\n", "\n#### ")).toBeUndefined();
  });
});
