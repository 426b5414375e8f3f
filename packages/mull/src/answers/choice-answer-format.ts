import type { AnswerFormat } from "../spec/index.ts";
import { answerAfterPhrase } from "./answer-after-phrase.ts";
import { lastBoxed } from "./last-boxed.ts";

/** The option letter an answer names: `B`, `(b)`, `B)`, `B.`, `(B) 42`, `\text{(B)}`, `option B`. */
function letterOf(answer: string): string | undefined {
  const text = answer
    .trim()
    .replace(/\\text\{([^{}]*)\}/g, "$1")
    .replace(/^[$*\s]+|[$*\s]+$/g, "")
    .replace(/^(?:option|choice)\s+/i, "");
  const match = /^\(?([A-Za-z])(?:\)|\.|:|$)/.exec(text) ?? /^\(([A-Za-z])\)/.exec(text);
  return match?.[1]?.toUpperCase();
}

function lastMatch(text: string, pattern: RegExp): string | undefined {
  return [...text.matchAll(pattern)].at(-1)?.[1];
}

function choiceKey(answer: string): string {
  return letterOf(answer) ?? answer.trim().toUpperCase();
}

/**
 * Multiple-choice letters. Extraction looks, in order, at the answer after the last "the answer is" /
 * "Answer:", the last `\boxed{}`, the last parenthesised capital `(B)`, and the last line starting `B)`;
 * it returns the capital letter. Keys are capital letters, so `(b)`, `B)` and `Answer: b` agree.
 *
 * @example
 * choiceAnswerFormat.extract("Comparing the options, the answer is (C)."); // "C"
 * choiceAnswerFormat.equivalent("(b)", "B"); // true
 */
export const choiceAnswerFormat: AnswerFormat = {
  name: "choice",
  extract(text) {
    const stated = answerAfterPhrase(text);
    const boxed = lastBoxed(text);
    return (
      (stated === undefined ? undefined : letterOf(stated)) ??
      (boxed === undefined ? undefined : letterOf(boxed)) ??
      lastMatch(text, /\(([A-Z])\)/g) ??
      lastMatch(text, /^\s*([A-Z])\)/gm) ??
      letterOf(text)
    );
  },
  key: choiceKey,
  equivalent(a, b) {
    return choiceKey(a) === choiceKey(b);
  },
};
