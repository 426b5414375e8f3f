/**
 * A seed for `seededRng` from a string (FNV-1a, 31 bits): the same text always gives the same seed, so a
 * draw keyed by what is being judged (a problem and a solution) is the same however often and in whatever
 * order it is made.
 *
 * @example
 * const draw = seededRng(seedFromText(`${seed}\u0000${problem.question}\u0000${text}`)).next();
 */
export function seedFromText(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value >>> 1;
}
