// A number as written in prose: optional sign, thousands commas, decimals, `a/b` fractions (and so dates).
const numberPattern = /(?<![\w.)])-?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:\/\d+)*/g;

/**
 * The last number written in a text, as written (thousands commas, sign, decimals and `a/b` kept; a
 * sentence's closing period dropped).
 *
 * @example
 * lastNumber("She pays $1,250.50 in total."); // "1,250.50"
 */
export function lastNumber(text: string): string | undefined {
  let last: string | undefined;
  for (const match of text.matchAll(numberPattern)) {
    if (/\d/.test(match[0])) last = match[0];
  }
  return last;
}
