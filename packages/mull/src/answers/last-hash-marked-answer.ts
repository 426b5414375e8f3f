// Markdown headings that chat models write with four hashes: `#### Step 1: ...`, `#### Final Answer`.
const heading =
  /^(?:\*\*)?(?:step|part|case|final|answer|solution|conclusion|verification|summary|problem|question|note)\b|^\d+\.\s+[a-zA-Z]|:(?:\*\*)?$/i;

/**
 * The text after the last `#### ` marker (GSM8K's gold style, also used by the arithmetic lab), up to the
 * end of its line. Markdown headings (`#### Step 1: ...`, `#### Final Answer`) are not answers.
 *
 * @example
 * lastHashMarkedAnswer("2+3=5\n#### 5"); // "5"
 */
export function lastHashMarkedAnswer(text: string): string | undefined {
  const matches = [...text.matchAll(/####[ \t]*([^\n]*)/g)];
  for (let position = matches.length - 1; position >= 0; position--) {
    const value = matches[position]?.[1]?.trim().replace(/\.$/, "").trim();
    if (value && !heading.test(value)) return value;
  }
  return undefined;
}
