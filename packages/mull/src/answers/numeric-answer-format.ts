import type { AnswerFormat } from "../spec/index.ts";
import { answerAfterPhrase } from "./answer-after-phrase.ts";
import { lastBoxed } from "./last-boxed.ts";
import { lastHashMarkedAnswer } from "./last-hash-marked-answer.ts";
import { lastNumber } from "./last-number.ts";
import { mathKey } from "./math-key.ts";
import { numericKey } from "./numeric-key.ts";

/** A marked answer that is not itself a number (`18 dollars a day`) yields the last number inside it. */
function asNumber(candidate: string | undefined): string | undefined {
  if (candidate === undefined) return undefined;
  return numericKey(candidate) === undefined ? lastNumber(candidate) : candidate;
}

function numberAnswerKey(answer: string): string {
  return numericKey(answer) ?? mathKey(answer);
}

/**
 * Numbers: GSM8K-style answers and anything graded by value. Extraction takes the last `#### N`, else the
 * last `\boxed{}`, else the answer after "the answer is" / "Final answer:", else the last number in the
 * text. Keys are values: thousands commas, signs, decimals, fractions (`3/4`, `\frac{3}{4}`), `$`, `%`
 * and trailing unit words do not matter, so `1,000`, `1000`, `1000.0` and `$1,000` share a key. An answer
 * that is not a number keys by its whitespace-free text.
 *
 * @example
 * numericAnswerFormat.extract("16 - 3 - 4 = 9 eggs, so 9 * 2 = 18.\n#### 18"); // "18"
 * numericAnswerFormat.equivalent("1,000", "1000.0"); // true
 */
export const numericAnswerFormat: AnswerFormat = {
  name: "numeric",
  extract(text) {
    return (
      asNumber(lastHashMarkedAnswer(text)) ??
      asNumber(lastBoxed(text)) ??
      asNumber(answerAfterPhrase(text)) ??
      lastNumber(text)
    );
  },
  key: numberAnswerKey,
  equivalent(a, b) {
    return numberAnswerKey(a) === numberAnswerKey(b);
  },
};
