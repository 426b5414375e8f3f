const boxCommand = /\\(?:boxed|fbox|framebox)(?![a-zA-Z])/g;

/** The brace-balanced group that opens at `start` (which must be `{`), without its braces. */
function bracedGroup(text: string, start: number): string | undefined {
  let depth = 0;
  for (let index = start; index < text.length; index++) {
    const character = text[index];
    if (character === "\\") {
      // An escaped brace (`\{`) is content, not structure.
      index++;
      continue;
    }
    if (character === "{") depth++;
    else if (character === "}") {
      depth--;
      if (depth === 0) return text.slice(start + 1, index);
    }
  }
  return undefined;
}

/** The argument of a box command whose name ends just before `start`. */
function boxArgument(text: string, start: number): string | undefined {
  let index = start;
  while (index < text.length && /\s/.test(text[index] ?? "")) index++;
  if (text[index] === "{") return bracedGroup(text, index);
  // `\boxed 5` — TeX takes a single token; models write a whole word or number.
  const bare = /^[^\s$]+/.exec(text.slice(index));
  return bare?.[0];
}

/**
 * The content of the last complete `\boxed{...}` (also `\fbox`, `\framebox`, and `\boxed 5`) in a text,
 * with nested braces kept. A box that is cut off before its closing brace is skipped in favour of an
 * earlier complete one.
 *
 * @example
 * lastBoxed("so $x = \\boxed{\\frac{1}{2}}$."); // "\\frac{1}{2}"
 */
export function lastBoxed(text: string): string | undefined {
  const starts = [...text.matchAll(boxCommand)].map((match) => match.index + match[0].length);
  for (let position = starts.length - 1; position >= 0; position--) {
    const content = boxArgument(text, starts[position] ?? 0);
    if (content !== undefined && content.trim() !== "") return content.trim();
  }
  return undefined;
}
