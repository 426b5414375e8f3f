/**
 * How many leading tokens two token lists share.
 *
 * @example
 * commonPrefixLength([1, 2, 3], [1, 2, 4]); // 2
 */
export function commonPrefixLength(a: readonly number[], b: readonly number[]): number {
  const limit = Math.min(a.length, b.length);
  let index = 0;
  while (index < limit && a[index] === b[index]) index += 1;
  return index;
}
