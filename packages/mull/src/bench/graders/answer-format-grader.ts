import type { AnswerFormat } from "../../spec/index.ts";
import type { Grader } from "./grader.ts";

/**
 * A grader that compares answers with an answer format's `equivalent`.
 *
 * @example
 * const grader = answerFormatGrader(answerFormatByName("numeric"));
 * grader.grade("1,000", "1000"); // true
 */
export function answerFormatGrader(format: AnswerFormat, name: string = format.name): Grader {
  return {
    name,
    format,
    grade: (answer, gold) => answer !== undefined && format.equivalent(answer, gold),
  };
}
