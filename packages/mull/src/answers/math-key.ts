import { numericKey } from "./numeric-key.ts";
import { stripLatexMarkup } from "./strip-latex-markup.ts";

const opening = new Set(["(", "[", "{"]);
const closing = new Set([")", "]", "}"]);

/** Splits at commas (or another separator) that sit outside every bracket and brace. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const character = text[index] ?? "";
    if (depth === 0 && text.startsWith(separator, index)) {
      parts.push(text.slice(start, index));
      start = index + separator.length;
      index = start - 1;
    } else if (character === "\\") {
      // `\{` and `\}` are set braces: structure, like `{`.
      const next = text[index + 1] ?? "";
      if (next === "{") depth++;
      else if (next === "}") depth--;
      index++;
    } else if (opening.has(character)) depth++;
    else if (closing.has(character)) depth--;
  }
  parts.push(text.slice(start));
  return parts;
}

/** Whether the bracket opening at 0 closes exactly at the last character (so `(a)(b)` is not one group). */
function isOneGroup(text: string, openLength: number, closeLength: number): boolean {
  let depth = 0;
  const inner = text.slice(openLength, text.length - closeLength);
  for (let index = 0; index < inner.length; index++) {
    const character = inner[index] ?? "";
    if (character === "\\") {
      index++;
      continue;
    }
    if (opening.has(character)) depth++;
    else if (closing.has(character)) depth--;
    if (depth < 0) return false;
  }
  return depth === 0;
}

/** `\frac12` → `\frac{1}{2}`, `\sqrt2` → `\sqrt{2}`, `x^{2}` → `x^2`, `4210_{5}` → `4210_5`. */
function braceArguments(compact: string): string {
  let result = compact.replace(/\\frac(\d)(\d)/g, "\\frac{$1}{$2}");
  result = result.replace(/\\frac(\d)\{/g, "\\frac{$1}{");
  result = result.replace(/\\frac\{([^{}]*)\}(\d)/g, "\\frac{$1}{$2}");
  result = result.replace(/\\sqrt(\d+)/g, "\\sqrt{$1}");
  result = result.replace(/([_^])\{(\w)\}/g, "$1$2");
  return result;
}

/** The key of one element (no top-level commas). */
function elementKey(raw: string): string {
  let element = raw.trim();
  // `x = 5`, `k=3`, `\theta = \pi`: a short variable name on the left goes; real equations stay.
  const sides = splitTopLevel(element, "=");
  if (sides.length === 2 && /^\s*(?:[a-zA-Z](?:_\{?\w+\}?)?|\\[a-zA-Z]+)\s*$/.test(sides[0] ?? "")) {
    element = (sides[1] ?? "").trim();
  }
  element = element.replace(/^[a-zA-Z]\s*\\in\s*/, "");
  return numericKey(element) ?? structuredKey(element);
}

/** Keys of tuples, intervals, sets, unions and matrices, element by element; otherwise compact text. */
function structuredKey(answer: string): string {
  const text = answer.trim();
  const union = splitTopLevel(text, "\\cup");
  if (union.length > 1) return union.map((part) => structuredKey(part)).join("\\cup");
  const matrix = /^\\begin\{([pbv]?matrix|array)\}(?:\{[^{}]*\})?(.*)\\end\{\1\}$/s.exec(text);
  if (matrix) {
    const rows = (matrix[2] ?? "").split(/\\\\/).filter((row) => row.trim() !== "");
    return `matrix(${rows.map((row) => row.split("&").map(elementKey).join(",")).join(";")})`;
  }
  if (text.startsWith("\\{") && text.endsWith("\\}") && isOneGroup(text, 2, 2)) {
    const members = splitTopLevel(text.slice(2, -2), ",").map(elementKey);
    return `{${[...new Set(members)].sort().join(",")}}`;
  }
  if (/^[([]/.test(text) && /[)\]]$/.test(text) && isOneGroup(text, 1, 1)) {
    const members = splitTopLevel(text.slice(1, -1), ",");
    if (members.length > 1) return `${text[0]}${members.map(elementKey).join(",")}${text.at(-1)}`;
    if (text[0] === "(" && text.at(-1) === ")") return elementKey(text.slice(1, -1));
  }
  return braceArguments(text.replace(/\s+/g, ""));
}

/**
 * The canonical key of a MATH-style answer. Markup that does not change the value goes (see
 * `stripLatexMarkup`); an answer that is arithmetic (`\frac{1}{2}`, `0.5`, `1/2`, `2\sqrt{3}`, `1,000`)
 * becomes its number to 12 significant digits; tuples and intervals are keyed element by element, sets
 * and bare comma lists as sorted members; anything else is its whitespace-free text with `\frac12`-style
 * arguments braced.
 *
 * @example
 * mathKey("\\left( 3, \\frac{\\pi}{2} \\right)") === mathKey("(3,\\pi/2)"); // true
 */
export function mathKey(answer: string): string {
  const text = stripLatexMarkup(answer);
  if (/^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(text)) return elementKey(text);
  const members = splitTopLevel(text, ",");
  if (members.length > 1 && members.every((member) => member.trim() !== "")) {
    // A bare list of solutions ("3, 5, 7"): order does not matter.
    return [...new Set(members.map(elementKey))].sort().join(",");
  }
  return elementKey(text);
}
