import type { AnswerFormat } from "../spec/index.ts";
import { answerAfterPhrase } from "./answer-after-phrase.ts";
import { dateKey } from "./date-key.ts";

const datePattern = /(?<!\d)\d{1,2}\/\d{1,2}\/\d{4}(?!\d)/g;

function lastDate(text: string): string | undefined {
  return [...text.matchAll(datePattern)].at(-1)?.[0];
}

function firstDate(text: string): string | undefined {
  return [...text.matchAll(datePattern)][0]?.[0];
}

function dateAnswerKey(answer: string): string {
  return dateKey(answer) ?? answer.trim();
}

/**
 * Dates in `MM/DD/YYYY` (BIG-bench Date Understanding). Extraction takes the first date after the last "the
 * answer is", else the last date in the text. Keys are zero-padded, so `5/1/2021` and `05/01/2021` agree;
 * an answer that is not such a date keys by its trimmed text.
 *
 * @example
 * dateAnswerFormat.extract("Today is 05/01/2021. So the answer is 05/01/2021."); // "05/01/2021"
 * dateAnswerFormat.equivalent("5/1/2021", "05/01/2021"); // true
 */
export const dateAnswerFormat: AnswerFormat = {
  name: "date",
  extract(text) {
    const stated = answerAfterPhrase(text);
    return (stated === undefined ? undefined : firstDate(stated)) ?? lastDate(text);
  },
  key: dateAnswerKey,
  equivalent(a, b) {
    return dateAnswerKey(a) === dateAnswerKey(b);
  },
};
