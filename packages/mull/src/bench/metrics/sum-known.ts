/**
 * The sum of counts that may be unknown: `undefined` as soon as one is (a count a backend did not report
 * is unknown, never 0); 0 for none.
 *
 * @example
 * sumKnown([3, 4]); // 7
 * sumKnown([3, undefined]); // undefined
 */
export function sumKnown(values: readonly (number | undefined)[]): number | undefined {
  let total = 0;
  for (const value of values) {
    if (value === undefined) return undefined;
    total += value;
  }
  return total;
}
