const phrase = /\b(?:the\s+)?(?:final\s+)?answer\s*(?:is\s*:?|:|=)[ \t]*/gi;

/** Removes wrapping that models put around a stated answer: markdown bold, `$...$`, `\(...\)`. */
function unwrap(value: string): string {
  let result = value.trim();
  for (;;) {
    const before = result;
    result = result.replace(/^\*\*(.*)\*\*$/s, "$1").trim();
    result = result.replace(/^\*\*|\*\*$/g, "").trim();
    result = result.replace(/^\$+(.*?)\$+$/s, "$1").trim();
    result = result.replace(/^\\\((.*)\\\)$/s, "$1").trim();
    result = result.replace(/^\\\[(.*)\\\]$/s, "$1").trim();
    result = result.replace(/[.;]+$/, "").trim();
    if (result === before) return result;
  }
}

/**
 * The answer stated after the last "the answer is", "Final answer:" or "Answer:" in a text: the rest of that
 * line (or the next non-empty line when the phrase ends its line), cut at the end of the sentence and
 * stripped of `$`, `**` and a trailing period.
 *
 * @example
 * answerAfterPhrase("... So the answer is 05/01/2021."); // "05/01/2021"
 */
export function answerAfterPhrase(text: string): string | undefined {
  const matches = [...text.matchAll(phrase)];
  for (let position = matches.length - 1; position >= 0; position--) {
    const match = matches[position];
    if (match === undefined) continue;
    const rest = text.slice(match.index + match[0].length);
    const lines = rest.split("\n");
    let line = lines[0]?.trim() ?? "";
    if (line === "" || line === "**")
      line = lines.find((candidate, index) => index > 0 && candidate.trim())?.trim() ?? "";
    // A sentence ends at a period followed by a space; `3.5` keeps its point.
    const sentence = line.split(/\.\s/)[0] ?? "";
    const value = unwrap(sentence);
    if (value !== "") return value;
  }
  return undefined;
}
