const wholeFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const smallFormat = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 3 });

/**
 * A duration in milliseconds as every table of the report writes it: a whole number with thousands
 * separators from 100 ms up (`1849.6` → `1,850`), three significant digits below (`12.345` → `12.3`,
 * `0.04567` → `0.0457`), never an exponent; `unknown` for none.
 *
 * @example
 * millisecondsText(1790.2); // "1,790"
 */
export function millisecondsText(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return "unknown";
  return Math.abs(value) >= 100 ? wholeFormat.format(value) : smallFormat.format(value);
}
