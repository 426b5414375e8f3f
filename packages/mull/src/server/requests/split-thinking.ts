import type { AnswerFormat } from "../../spec/index.ts";

/** A sample's text split into the reasoning it thought aloud and the answer it gave after. */
export interface SplitText {
  /** The text of its `<think>…</think>` block, if it had one. */
  readonly reasoning: string | undefined;
  /** The text after the block (its leading whitespace dropped), or the whole text without one. */
  readonly answer: string;
}

const closing = "</think>";

/**
 * Splits a reasoning model's `<think>…</think>` block off the front of its text. A text that closes a
 * block it never opened (templates that open it in the prompt, as DeepSeek-R1's does) thinks up to the
 * close. A block never closed is all thinking, with no answer yet.
 *
 * @example
 * splitThinking("<think>6 × 7 = 42</think>\nIt is 42.\n#### 42"); // { reasoning: "6 × 7 = 42", answer: "It is 42.\n#### 42" }
 */
export function splitThinking(text: string): SplitText {
  const start = text.trimStart();
  const opened = start.startsWith("<think>");
  const end = text.indexOf(closing);
  if (end < 0) {
    return opened
      ? { reasoning: start.slice("<think>".length), answer: "" }
      : { reasoning: undefined, answer: text };
  }
  const before = text.slice(0, end);
  const open = before.indexOf("<think>");
  // Text before an opening tag is not thinking: only a leading block is split off.
  if (open >= 0 && before.slice(0, open).trim() !== "") return { reasoning: undefined, answer: text };
  return {
    reasoning: open >= 0 ? before.slice(open + "<think>".length) : before,
    answer: text.slice(end + closing.length).trimStart(),
  };
}

/**
 * The answer format reading answers only after a sample's `<think>` block, so what a model thought aloud is
 * never voted on.
 *
 * @example
 * const format = withoutThinking(plan.answerFormat);
 * format.extract("<think>maybe 41</think>#### 42"); // "42"
 */
export function withoutThinking(format: AnswerFormat): AnswerFormat {
  return {
    name: format.name,
    extract: (text) => format.extract(splitThinking(text).answer),
    key: (answer) => format.key(answer),
    equivalent: (a, b) => format.equivalent(a, b),
  };
}
