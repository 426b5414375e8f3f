/**
 * Edits (insertions, deletions, substitutions, swaps of neighbours) that turn `from` into `to`: the
 * restricted Damerau-Levenshtein distance, so a swap (`prot` for `port`) is one edit. Written here: the
 * common distance packages count a swap as two, and config keys are short enough for the plain table.
 */
function editDistance(from: string, to: string): number {
  const rows: number[][] = [Array.from({ length: to.length + 1 }, (_, index) => index)];
  for (let row = 1; row <= from.length; row++) {
    const above = rows[row - 1] ?? [];
    const current = [row];
    for (let column = 1; column <= to.length; column++) {
      const same = from[row - 1] === to[column - 1];
      let best = Math.min(
        (above[column] ?? 0) + 1,
        (current[column - 1] ?? 0) + 1,
        (above[column - 1] ?? 0) + (same ? 0 : 1),
      );
      const swapped =
        row > 1 && column > 1 && from[row - 1] === to[column - 2] && from[row - 2] === to[column - 1];
      if (swapped) best = Math.min(best, (rows[row - 2]?.[column - 2] ?? 0) + 1);
      current.push(best);
    }
    rows.push(current);
  }
  return rows[from.length]?.[to.length] ?? 0;
}

/**
 * The known key an unknown one was most likely meant as: the same key in other letter case (`baseURL`,
 * `base_url` for `baseUrl`), one or two edits away (`concurency` for `concurrency`, `prot` for `port`;
 * one for a key of four characters or fewer), or one that begins with it or that it begins with (`apiKey` for
 * `apiKeyEnv`, at four characters or more); `undefined` when none is that close.
 *
 * @example
 * closestKey("baseURL", ["name", "baseUrl", "models"]); // "baseUrl"
 * closestKey("colour", ["name", "baseUrl"]); // undefined
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const plain = (text: string) => text.toLowerCase().replaceAll(/[-_]/g, "");
  const given = plain(key);
  const allowed = given.length <= 4 ? 1 : 2;
  let best: { readonly key: string; readonly distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(given, plain(candidate));
    if (distance <= allowed && (best === undefined || distance < best.distance)) {
      best = { key: candidate, distance };
    }
  }
  if (best !== undefined) return best.key;
  if (given.length < 4) return undefined;
  return known.find((candidate) => {
    const other = plain(candidate);
    return other.length >= 4 && (other.startsWith(given) || given.startsWith(other));
  });
}
