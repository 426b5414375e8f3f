import type { AnswerFormat } from "../spec/index.ts";
import { answerAfterPhrase } from "./answer-after-phrase.ts";
import { lastBoxed } from "./last-boxed.ts";
import { lastHashMarkedAnswer } from "./last-hash-marked-answer.ts";

function exactKey(answer: string): string {
  return answer.trim();
}

/**
 * Exact strings: answers agree only when their trimmed texts are identical. Extraction takes the last
 * `#### X`, else the last `\boxed{}`, else the answer after "the answer is", else the whole trimmed text.
 *
 * @example
 * exactAnswerFormat.extract("The answer is Paris."); // "Paris"
 * exactAnswerFormat.equivalent(" Paris ", "Paris"); // true
 */
export const exactAnswerFormat: AnswerFormat = {
  name: "exact",
  extract(text) {
    const whole = text.trim();
    return lastHashMarkedAnswer(text) ?? lastBoxed(text) ?? answerAfterPhrase(text) ?? (whole || undefined);
  },
  key: exactKey,
  equivalent(a, b) {
    return exactKey(a) === exactKey(b);
  },
};
