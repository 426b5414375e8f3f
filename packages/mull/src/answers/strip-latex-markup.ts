import { lastBoxed } from "./last-boxed.ts";

const textCommand =
  /\\(?:text|textrm|textbf|textit|mbox|mathrm|mathbf|mathit|operatorname)\s*\{([^{}]*)\}(\s*\^\s*\{?\s*\d\s*\}?)?/g;

/** Replaces `\text{...}`-style groups: units after a value go, other text stays (without the command). */
function removeTextCommands(answer: string): string {
  return answer.replace(
    textCommand,
    (whole: string, content: string, power: string | undefined, offset: number, input: string) => {
      const before = input.slice(0, offset).trim();
      const word = content.trim();
      if (/^(?:and|or|,)$/i.test(word)) return ",";
      // A word group after a value is a unit: `5.4 \text{ cents}`, `15\mbox{ cm}^2`, `\frac{270}7\text{ degrees}`.
      if (before !== "" && /[\d}]$/.test(before) && /^[a-zA-Z][a-zA-Z\s.]*$/.test(word)) return "";
      const text = whole.startsWith("\\operatorname") ? `\\${word}` : content;
      return `${text}${power ?? ""}`;
    },
  );
}

/**
 * Removes the LaTeX that does not change a final answer's value: a whole-answer `\boxed{}`, `$` and `\$`, `\%`, `\left`/`\right`,
 * spacing (`\!`, `\,`, `\;`, `~`), braced thousands separators (`10{,}000`), `\displaystyle`, degrees (`^\circ`), `\text{...}` units after a value,
 * `\dfrac`/`\tfrac` (as `\frac`) and a trailing period. Whitespace is kept; callers compact it.
 *
 * @example
 * stripLatexMarkup("\\$32,\\!348"); // "32,348"
 */
export function stripLatexMarkup(answer: string): string {
  let result = answer.trim();
  // A whole answer given boxed (`\boxed{5}`) is its content.
  const wrapped = /^\\boxed\s*\{(.*)\}$/s.exec(result)?.[1]?.trim();
  if (wrapped !== undefined && lastBoxed(result) === wrapped) result = wrapped;
  result = result.replace(/^\\\[(.*)\\\]$/s, "$1").replace(/^\\\((.*)\\\)$/s, "$1");
  result = result
    .replace(/(?<!\\)\\(?:!|,|;|:|quad|qquad)\s*/g, "")
    .replace(/(?<!\\)\\ /g, " ")
    .replace(/~/g, " ");
  // A thousands separator braced so LaTeX does not space it: `10{,}000`.
  result = result.replace(/(?<=\d)\{,\}(?=\d{3}(?!\d))/g, ",");
  result = result.replace(/\\(?:displaystyle|textstyle)/g, "");
  result = result.replace(
    /\\(?:left|right|bigl|bigr|Bigl|Bigr|big|Big)(?![a-zA-Z])\s*(\\?[()[\]{}|.])?/g,
    (_, delimiter) => (delimiter === undefined || delimiter === "." ? "" : delimiter),
  );
  result = result.replace(/\\[dtc]frac(?![a-zA-Z])/g, "\\frac");
  result = result.replace(/\^\s*\{?\s*\\circ\s*\}?|\\circ|\\degree|°/g, "");
  result = result.replace(/\\?\$/g, "").replace(/\\?%/g, "");
  result = removeTextCommands(result);
  result = result.trim();
  for (;;) {
    const before = result;
    result = result.replace(/(?:\.|\\\.)$/, "").trim();
    if (result === before) return result;
  }
}
