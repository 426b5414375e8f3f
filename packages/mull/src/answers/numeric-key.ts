import { evaluateLatexNumber } from "./evaluate-latex-number.ts";
import { numberKey } from "./number-key.ts";
import { stripLatexMarkup } from "./strip-latex-markup.ts";

const thousands = /^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
const mixedNumber = /^([-+]?)(\d+)\\frac\{?(\d+)\}?\{?(\d+)\}?$/;
const trailingUnits = /^(.*?[\d}])\s+(?<![\\a-zA-Z])(?:[a-zA-Z]{2,}\.?\s*)+(?:\^\{?\d\}?)?$/;

function valueKey(text: string): string | undefined {
  const compact = text.replace(/\s+/g, "");
  // `1,000` and `11,111,100` are thousands, not lists; `1, 234` is not a number.
  const plain = thousands.test(text.trim()) ? compact.replace(/,/g, "") : compact;
  // A mixed number: `1\frac{4}{5}`, `137 \frac{1}{2}`.
  const mixed = mixedNumber.exec(plain);
  if (mixed) {
    const sign = mixed[1] === "-" ? -1 : 1;
    return numberKey(sign * (Number(mixed[2]) + Number(mixed[3]) / Number(mixed[4])));
  }
  const value = evaluateLatexNumber(plain);
  return value === undefined ? undefined : numberKey(value, plain);
}

/**
 * The number key (see `numberKey`) of an answer that is a single number or arithmetic expression, once
 * currency, percent, degree and unit markup is gone: `$1,000.00`, `50\%`, `\frac{3}{4}`, `1\frac{4}{5}`,
 * `5.4 \text{ cents}`, `18 dollars`. `undefined` when the answer is not a number.
 *
 * @example
 * numericKey("\\$1,000.00"); // "1000"
 * numericKey("x+1"); // undefined
 */
export function numericKey(answer: string): string | undefined {
  const text = stripLatexMarkup(answer);
  const key = valueKey(text);
  if (key !== undefined) return key;
  // A value followed by unit words: `5.4 cents`, `10 square units`, `3 cm^2`.
  const value = trailingUnits.exec(text)?.[1];
  return value === undefined ? undefined : valueKey(value);
}
