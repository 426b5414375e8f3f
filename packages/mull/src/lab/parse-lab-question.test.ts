import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { formatLabQuestion } from "./format-lab-solution.ts";
import { generateLabProblems } from "./generate-lab-problems.ts";
import { parseLabQuestion } from "./parse-lab-question.ts";

describe("parseLabQuestion", () => {
  it("reads the written forms of a chain", () => {
    const expected = { operands: [37, 48, 19], operators: ["+", "-"] };
    for (const text of [
      "37+48-19=?",
      "37+48-19",
      " 37 + 48 \u2212 19 = ? ",
      "Q: 37+48-19=? A:",
      "37+48-19=",
    ]) {
      expect(parseLabQuestion(text)).toEqual(expected);
    }
  });

  it("round-trips every generated question", () => {
    for (const problem of generateLabProblems({ level: 6, count: 50, seed: 1 })) {
      const chain = parseLabQuestion(problem.question);
      expect(formatLabQuestion(chain)).toBe(problem.question);
      expect(chain.operands).toEqual(problem.metadata?.operands);
    }
  });

  it("rejects what is not a lab chain, saying why", () => {
    const cases: [string, RegExp][] = [
      ["", /empty/],
      ["12", /no \+ or - operation/],
      ["12*3", /"12\*3" is not a whole number/],
      ["12+", /operand is missing/],
      ["1000+1", /operand 1000 is above 999/],
      ["5-10", /after step 1 is -5, outside 0-999/],
      ["900+50+60", /after step 2 is 1010/],
      ["2.5+1", /not a whole number/],
    ];
    for (const [text, reason] of cases) {
      expect(() => parseLabQuestion(text)).toThrow(ConfigError);
      expect(() => parseLabQuestion(text)).toThrow(reason);
    }
    try {
      parseLabQuestion("12*3");
    } catch (error) {
      expect(ConfigError.isInstance(error) && error.field).toBe("question");
    }
  });
});
