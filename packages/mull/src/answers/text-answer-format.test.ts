import { describe, expect, it } from "vitest";
import { textAnswerFormat as format } from "./text-answer-format.ts";

describe("textAnswerFormat", () => {
  it("extracts the answer the way the exact format does, unwrapping \\text{}", () => {
    const cases: [string, string | undefined][] = [
      ['The last letter of "Elon" is "n" and of "Musk" is "k".\n#### nk', "nk"],
      ["#### Ab Cd.", "Ab Cd"],
      ['Concatenating them gives "nk". So the answer is "nk".', '"nk"'],
      ["The final answer is: ab cd", "ab cd"],
      ["Joining the letters: $\\boxed{\\text{nk}}$", "nk"],
      ["so \\boxed{ab cd}.", "ab cd"],
      ["  ab cd \n", "ab cd"],
      ["\\boxed{\\text{ }}", undefined],
      ["   ", undefined],
    ];
    for (const [text, answer] of cases) expect(format.extract(text), text).toBe(answer);
  });

  it("prefers a marked answer to a stated one, and the last of each", () => {
    expect(format.extract("the answer is ab\n#### cd")).toBe("cd");
    expect(format.extract("First the answer is ab. Then the answer is cd.")).toBe("cd");
  });

  it("keys ignore case, quotes, surrounding punctuation and runs of whitespace, not word breaks", () => {
    const table: [string, string, boolean][] = [
      ['"Ab Cd."', "ab  cd", true],
      ["“ab cd”", "ab cd", true],
      ["‘Ab Cd’", "AB CD", true],
      ["  ab\t\ncd  ", "ab cd", true],
      ["**nk**", "nk", true],
      ["nk!", "nk", true],
      ['ab "cd"', "ab cd", true],
      ["it's", "its", true],
      ["abcd", "ab cd", false],
      ["ab-cd", "ab cd", false],
      ["ab.cd", "abcd", false],
      ["nk", "kn", false],
      ["xy", "ab cd", false],
    ];
    for (const [a, b, equivalent] of table) {
      expect(format.equivalent(a, b), `${a} ~ ${b}`).toBe(equivalent);
      expect(format.key(a) === format.key(b), `key ${a} ~ ${b}`).toBe(equivalent);
    }
    expect(format.key("  “Ab   Cd.” ")).toBe("ab cd");
  });
});
