/**
 * Items in a sentence, joined by commas and `conjunction` before the last, without a comma before it:
 * `a`, `a and b`, `a, b and c` (or `a, b or c`); empty for no items.
 *
 * @example
 * wordList(["describe", "capabilities", "generate"], "and"); // "describe, capabilities and generate"
 * wordList(['"first"', '"random"'], "or"); // '"first" or "random"'
 */
export function wordList(items: readonly string[], conjunction: "and" | "or"): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${conjunction} ${items.at(-1)}`;
}
