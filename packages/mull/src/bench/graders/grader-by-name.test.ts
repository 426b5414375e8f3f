import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import type { AnswerFormat } from "../../spec/index.ts";
import { answerFormatGrader } from "./answer-format-grader.ts";
import { graderByName, graderNames } from "./grader-by-name.ts";

describe("graders", () => {
  it("wraps an answer format: equivalent answers are correct, a missing answer never is", () => {
    const seen: [string, string][] = [];
    const format: AnswerFormat = {
      name: "parity",
      extract: (text) => text,
      key: (answer) => String(Number(answer) % 2),
      equivalent: (a, b) => {
        seen.push([a, b]);
        return Number(a) % 2 === Number(b) % 2;
      },
    };
    const grader = answerFormatGrader(format);
    expect(grader.name).toBe("parity");
    expect(grader.format).toBe(format);
    expect(grader.grade("3", "5")).toBe(true);
    expect(grader.grade("4", "5")).toBe(false);
    expect(grader.grade(undefined, "5")).toBe(false);
    expect(seen).toEqual([
      ["3", "5"],
      ["4", "5"],
    ]);
    expect(answerFormatGrader(format, "custom").name).toBe("custom");
  });

  it("names every built-in grader after its answer format", () => {
    const typical: Record<string, string> = {
      numeric: "42",
      math: "\\frac{1}{2}",
      date: "01/02/2024",
      choice: "B",
      exact: "yes",
      text: "ab cd",
      auto: "42",
    };
    for (const name of graderNames) {
      const grader = graderByName(name);
      expect(grader.name).toBe(name);
      expect(grader.format.name).toBe(name);
      expect(grader.grade(typical[name]!, typical[name]!)).toBe(true);
      expect(grader.grade(undefined, typical[name]!)).toBe(false);
    }
  });

  it("refuses an unknown grader, naming it and the choices", () => {
    let error: unknown;
    try {
      graderByName("fuzzy");
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      '--grader: unknown grader "fuzzy"; expected one of numeric, math, date, choice, exact, text, auto',
    );
  });
});
