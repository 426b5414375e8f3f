import { splitList } from "./split-list.ts";

/**
 * A comma-separated flag's items, trimmed (`"4, 8,16"` → `["4", "8", "16"]`), for a script to check one by
 * one with `checkInteger`, `checkNumber` or `checkOneOf`.
 *
 * @throws ConfigError as `splitList` words it, with `field` set to the flag, for an empty value or an empty
 *   item: `<owner>: <flag>: the second item of "4,,8" is empty; expected a comma-separated list without
 *   empty items`.
 * @example
 * const sizes = listFlag("bench:search", "--n", "4,8,16").map((text) =>
 *   checkInteger("bench:search", "--n", numericFlag(text), { minimum: 1 }),
 * );
 */
export function listFlag(owner: string, flag: string, text: string): string[] {
  return splitList(text, { owner, field: flag });
}
