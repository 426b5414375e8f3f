import { checkOneOf } from "../runtime/index.ts";
import type { AnswerFormat } from "../spec/index.ts";
import { autoAnswerFormat } from "./auto-answer-format.ts";
import { choiceAnswerFormat } from "./choice-answer-format.ts";
import { dateAnswerFormat } from "./date-answer-format.ts";
import { exactAnswerFormat } from "./exact-answer-format.ts";
import { mathAnswerFormat } from "./math-answer-format.ts";
import { numericAnswerFormat } from "./numeric-answer-format.ts";
import { textAnswerFormat } from "./text-answer-format.ts";

const formats = {
  auto: autoAnswerFormat,
  numeric: numericAnswerFormat,
  math: mathAnswerFormat,
  date: dateAnswerFormat,
  choice: choiceAnswerFormat,
  exact: exactAnswerFormat,
  text: textAnswerFormat,
} as const satisfies Record<string, AnswerFormat>;

/** The names `answerFormatByName` accepts. */
export type AnswerFormatName = keyof typeof formats;

/** Every answer format name, in the order they are documented. */
export const answerFormatNames: readonly AnswerFormatName[] = Object.keys(formats) as AnswerFormatName[];

/**
 * The answer format with a given name.
 *
 * @throws ConfigError when the name is not one of `auto`, `numeric`, `math`, `date`, `choice`, `exact`, `text`.
 * @example
 * const format = answerFormatByName("math");
 * format.equivalent("\\frac{1}{2}", "0.5"); // true
 */
export function answerFormatByName(name: string): AnswerFormat {
  return formats[checkOneOf("answer format", "answerFormat", name, answerFormatNames, { noun: "name" })];
}
