/** Significant digits kept in a number's key: enough for any answer, few enough to absorb rounding noise. */
const keyDigits = 12;

/**
 * The canonical text of a number: 12 significant digits, no trailing zeros, no `-0`. When the number was
 * written as a decimal `literal` with more significant digits than that, the literal's digits are kept, so
 * long exact answers stay distinct.
 *
 * @example
 * numberKey(1000); // "1000"
 * numberKey(0.1 + 0.2); // "0.3"
 * numberKey(Number("12345678901234567"), "12345678901234567"); // "12345678901234567"
 */
export function numberKey(value: number, literal?: string): string {
  if (literal !== undefined) {
    const exact = exactDecimal(literal);
    if (exact !== undefined && significantDigits(exact) > keyDigits) return exact;
  }
  const rounded = Number(value.toPrecision(keyDigits));
  return String(rounded === 0 ? 0 : rounded);
}

/** A decimal literal (`-0012.50`) in canonical form (`-12.5`), or `undefined` when it is not one. */
function exactDecimal(literal: string): string | undefined {
  const match = /^([-+]?)(\d*)(?:\.(\d*))?$/.exec(literal.trim());
  if (!match || `${match[2]}${match[3] ?? ""}` === "") return undefined;
  const whole = (match[2] ?? "").replace(/^0+(?=\d)/, "") || "0";
  const fraction = (match[3] ?? "").replace(/0+$/, "");
  const digits = fraction ? `${whole}.${fraction}` : whole;
  return match[1] === "-" && /[1-9]/.test(digits) ? `-${digits}` : digits;
}

function significantDigits(decimal: string): number {
  return decimal.replace(/[-.]/g, "").replace(/^0+/, "").length;
}
