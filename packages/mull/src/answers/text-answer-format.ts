import type { AnswerFormat } from "../spec/index.ts";
import { exactAnswerFormat } from "./exact-answer-format.ts";

// Straight, curly and other quotation marks, and the backtick of markdown code: a quoted answer and a bare
// one are the same answer, and so are `it's` and `its` (quotes go inside the answer too).
const quotes = /["'`\u2018\u2019\u201A\u201B\u201C\u201D\u201E\u201F\u00AB\u00BB\u2039\u203A]/g;

// Sentence punctuation and markdown emphasis that models put around a stated answer ("Ab Cd.", **nk**).
const surrounding = /^[\s.,;:!?*]+|[\s.,;:!?*]+$/g;

// A boxed free-text answer usually comes as `\boxed{\text{nk}}`.
const textCommand = /^\\(?:text|textbf|textrm|mathrm)\{([^{}]*)\}$/;

function textKey(answer: string): string {
  return answer.toLowerCase().replace(quotes, "").replace(/\s+/g, " ").replace(surrounding, "");
}

/**
 * Short free-text answers (last-letter concatenation, names, words). Extraction is the `exact` format's
 * (the last `#### X`, else the last `\boxed{}`, else the answer after "the answer is", else the whole trimmed
 * text), with a `\text{...}` wrapper removed. Keys ignore case, quotation marks (straight and curly,
 * around and inside the answer), surrounding punctuation such as a final period, and how much whitespace
 * separates words: `"Ab Cd."`, `ab  cd` and `“ab cd”` agree. Whether there is a space between words still
 * counts, so `abcd` and `ab cd` differ: a concatenation task asks for exactly that distinction.
 *
 * @example
 * textAnswerFormat.extract("The last letters are n and k. So the answer is \"nk\"."); // "\"nk\""
 * textAnswerFormat.equivalent("“Ab Cd.”", "ab  cd"); // true
 * textAnswerFormat.equivalent("abcd", "ab cd"); // false
 */
export const textAnswerFormat: AnswerFormat = {
  name: "text",
  extract(text) {
    const answer = exactAnswerFormat.extract(text);
    return answer?.replace(textCommand, "$1").trim() || undefined;
  },
  key: textKey,
  equivalent(a, b) {
    return textKey(a) === textKey(b);
  },
};
