import { describeValue } from "../../runtime/index.ts";

/**
 * A field of a JSON row as an error message shows it: `nothing (the field is missing)` where the row has
 * no such field (JSON has no `undefined`, so that is the only way to get one), else as `describeValue`
 * shows any value.
 *
 * @example
 * `field "answer": expected a number, got ${describeRowValue(row.answer)}`;
 */
export function describeRowValue(value: unknown): string {
  return value === undefined ? "nothing (the field is missing)" : describeValue(value);
}
