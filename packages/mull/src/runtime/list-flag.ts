import { ConfigError } from "../errors/index.ts";

/**
 * A comma-separated flag's items, trimmed (`"4, 8,16"` → `["4", "8", "16"]`), for a script to check one by
 * one with `checkInteger`, `checkNumber` or `checkOneOf`.
 *
 * @throws ConfigError `<owner>: <flag> must be a comma-separated list without empty items, got "4,,8"`,
 *   with `field` set to the flag, for an empty value or an empty item.
 * @example
 * const sizes = listFlag("bench:search", "--n", "4,8,16").map((text) =>
 *   checkInteger("bench:search", "--n", numericFlag(text), { minimum: 1 }),
 * );
 */
export function listFlag(owner: string, flag: string, text: string): string[] {
  const items = text.split(",").map((item) => item.trim());
  if (items.some((item) => item === "")) {
    throw new ConfigError(
      `${owner}: ${flag} must be a comma-separated list without empty items, got ${JSON.stringify(text)}`,
      { field: flag },
    );
  }
  return items;
}
