import { describe, expect, it } from "vitest";
import { answerLine, begunCue } from "./answer-line.ts";

describe("answerLine", () => {
  it("reads the line after the last cue, open where the text ends on it", () => {
    expect(answerLine("\n719-95=624\n#### 62", "\n#### ")).toEqual({ text: "62", complete: false });
    expect(answerLine("\n719-95=624\n#### ", "\n#### ")).toEqual({ text: "", complete: false });
    expect(answerLine("\n#### 7\n719-95=624\n#### 624\nQ: 5+5=?", "\n#### ")).toEqual({
      text: "624",
      complete: true,
    });
  });

  it("finds a cue that begins with a line break only at a line's start, however many breaks came before", () => {
    expect(answerLine("\n\n#### 624", "\n#### ")).toEqual({ text: "624", complete: false });
    expect(answerLine("#### 624", "\n#### ")).toEqual({ text: "624", complete: false });
    expect(answerLine("\n42+5=47 #### 47", "\n#### ")).toBeUndefined();
    expect(answerLine("so 12\n\nFinal answer: 12", "\n\nFinal answer: ")).toEqual({
      text: "12",
      complete: false,
    });
  });

  it("finds a cue that begins with a space after whitespace, and any other cue anywhere", () => {
    expect(answerLine("so x=47", " x=")).toEqual({ text: "47", complete: false });
    expect(answerLine("so yx=47", " x=")).toBeUndefined();
    expect(answerLine("so x=47", "=")).toEqual({ text: "47", complete: false });
  });

  it("finds nothing without the cue, or for a cue of whitespace only", () => {
    expect(answerLine("\n719-95=624", "\n#### ")).toBeUndefined();
    expect(answerLine("\n719-95=624\n", "\n")).toBeUndefined();
  });
});

describe("begunCue", () => {
  it("counts the cue's first characters the text ends in, at a line's start", () => {
    expect(begunCue("\n719-95=624\n###", "\n#### ")).toBe(3);
    expect(begunCue("\n719-95=624\n####", "\n#### ")).toBe(4);
    expect(begunCue("\n719-95=624\n#", "\n#### ")).toBe(1);
    expect(begunCue("#", "\n#### ")).toBe(1);
  });

  it("is 0 for a whole cue, text that does not end in one, one off a line's start, or a cue without leading whitespace", () => {
    expect(begunCue("\n719-95=624\n#### ", "\n#### ")).toBe(0);
    expect(begunCue("\n719-95=624", "\n#### ")).toBe(0);
    expect(begunCue("\n42+5=47 ##", "\n#### ")).toBe(0);
    expect(begunCue("so A", "Answer: ")).toBe(0);
  });
});
