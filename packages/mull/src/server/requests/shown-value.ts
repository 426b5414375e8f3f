import { describeValue } from "../../runtime/index.ts";

/** Longest string a message shows: a mistyped word ("5", "yes"); a longer one may be a pasted key. */
const longestShownString = 16;

/**
 * Whether an error message may repeat a string a client sent as it is: one of up to 16 characters, a
 * mistyped word; a longer one is shown by its length only (`shownValue`).
 *
 * @example
 * isShownWhole("gpt-4o"); // true
 * isShownWhole("sk-proj-0123456789abcdef"); // false
 */
export function isShownWhole(text: string): boolean {
  return text.length <= longestShownString;
}

/**
 * A value a client sent, as an error message shows it: numbers, booleans, null and strings of up to 16
 * characters as `describeValue` writes them (`"5"` reads as a string); a longer string by its length, and
 * an array or object by its size or kind, since clients paste keys into the wrong field and an error
 * message ends up in logs.
 *
 * @example
 * shownValue("5"); // '"5"'
 * shownValue("sk-proj-0123456789abcdef"); // "a string of 24 characters"
 * shownValue([1, 2]); // "an array of 2 items"
 */
export function shownValue(value: unknown): string {
  if (typeof value === "string") {
    return isShownWhole(value) ? describeValue(value) : `a string of ${value.length} characters`;
  }
  if (Array.isArray(value)) {
    return value.length === 0 ? "[]" : `an array of ${value.length} item${value.length === 1 ? "" : "s"}`;
  }
  if (typeof value === "object" && value !== null) return "an object";
  return describeValue(value);
}

/**
 * A message with every quoted string in it (`"sc@8"`, as parsers quote the text they refuse, writing their
 * own examples unquoted: `cascade@8:lab-small>lab-large`), and every
 * occurrence of the strings in `given` (what the client sent, where a message may name it unquoted), shown
 * as `shownValue` shows them: one over 16 characters by its length only, in parentheses.
 *
 * @example
 * withLongStringsHidden('unknown spec "sk-proj-0123456789abcdef@8"; expected …');
 * // "unknown spec (a string of 26 characters); expected …"
 */
export function withLongStringsHidden(message: string, given: readonly string[] = []): string {
  let hidden = message.replace(/"(?:[^"\\]|\\.)*"/g, (quoted) => {
    let text: unknown;
    try {
      text = JSON.parse(quoted);
    } catch {
      text = quoted.slice(1, -1);
    }
    return typeof text === "string" && !isShownWhole(text) ? `(${shownValue(text)})` : quoted;
  });
  for (const text of given) {
    if (!isShownWhole(text)) hidden = hidden.replaceAll(text, `(${shownValue(text)})`);
  }
  return hidden;
}
