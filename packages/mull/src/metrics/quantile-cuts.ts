/**
 * Where sorted `keys` are cut into at most `count` buckets of about equal size, never between equal keys:
 * each cut at an equal share moves to the nearer end of the run of equal keys it falls in (the far end
 * where the near one would leave a bucket empty), and a cut that then meets another is dropped, so tied
 * keys leave fewer buckets. Returns the starts of the buckets, then `keys.length` (`[0]` for no keys).
 *
 * @example
 * quantileCuts([1, 2, 2, 2, 3, 4], 2); // [0, 4, 6]: the tie of 2 stays whole, in the first bucket
 */
export function quantileCuts(keys: readonly number[], count: number): number[] {
  const cuts = [0];
  for (let index = 1; index < count; index += 1) {
    const share = Math.floor((index * keys.length) / count);
    let down = share;
    while (down > 0 && keys[down - 1] === keys[down]) down -= 1;
    let up = share;
    while (up < keys.length && keys[up - 1] === keys[up]) up += 1;
    const previous = cuts.at(-1)!;
    const cut = down > previous && share - down <= up - share ? down : up;
    if (cut > previous && cut < keys.length) cuts.push(cut);
  }
  if (keys.length > 0) cuts.push(keys.length);
  return cuts;
}
