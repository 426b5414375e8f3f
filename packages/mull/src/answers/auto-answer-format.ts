import type { AnswerFormat } from "../spec/index.ts";
import { answerAfterPhrase } from "./answer-after-phrase.ts";
import { dateKey } from "./date-key.ts";
import { lastBoxed } from "./last-boxed.ts";
import { lastHashMarkedAnswer } from "./last-hash-marked-answer.ts";
import { lastNumber } from "./last-number.ts";
import { mathKey } from "./math-key.ts";

/** A stated answer written as prose ("the total number of apples is 12") stands for its last number. */
function concise(stated: string | undefined): string | undefined {
  if (stated === undefined || stated.includes("\\")) return stated;
  if (!/[a-zA-Z]{2,}\s+[a-zA-Z]{2,}\s+[a-zA-Z]{2,}/.test(stated)) return stated;
  return lastNumber(stated) ?? stated;
}

function autoKey(answer: string): string {
  return dateKey(answer) ?? mathKey(answer);
}

/**
 * The default: works for GSM8K, MATH, dates and the arithmetic lab without being told which. Extraction
 * takes the last `#### N`, else the last `\boxed{}`, else the answer after "the answer is" / "Final
 * answer:" (its last number when it is a sentence), else the last number in the text. Keys follow the answer's shape: a date keys as in
 * `dateAnswerFormat`, anything else as in `mathAnswerFormat` (which compares numbers by value).
 *
 * @example
 * autoAnswerFormat.extract("37+48=85\n85-19=66\n#### 66"); // "66"
 * autoAnswerFormat.equivalent("1,000", "1000.0"); // true
 */
export const autoAnswerFormat: AnswerFormat = {
  name: "auto",
  extract(text) {
    return (
      lastHashMarkedAnswer(text) ?? lastBoxed(text) ?? concise(answerAfterPhrase(text)) ?? lastNumber(text)
    );
  },
  key: autoKey,
  equivalent(a, b) {
    return autoKey(a) === autoKey(b);
  },
};
