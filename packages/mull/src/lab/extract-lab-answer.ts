const answerPattern = /####\s*(-?\d+)/;

/**
 * The final answer of a lab solution: the integer after the first `####`, without leading zeros, or
 * `undefined` when there is none.
 *
 * @example
 * extractLabAnswer("\n30+444=474\n474+273=747\n#### 747"); // "747"
 */
export function extractLabAnswer(text: string): string | undefined {
  const match = answerPattern.exec(text);
  if (match?.[1] === undefined) return undefined;
  return String(Number(match[1]));
}
