import { ConfigError } from "../errors/index.ts";

/** What a list that `splitList` refuses must be, in every refusal. */
const expectedList = "expected a comma-separated list without empty items";

const ordinals = [
  "first",
  "second",
  "third",
  "fourth",
  "fifth",
  "sixth",
  "seventh",
  "eighth",
  "ninth",
  "tenth",
];

/** Where `splitList` looks for the list, and whom its refusal names. */
export interface SplitListOptions {
  /** The flag or field that holds the list (`--n`), named in the refusal and set as its `field`. */
  readonly field?: string | undefined;
  /** Who reads the list (`bench:search`), put first in the refusal. */
  readonly owner?: string | undefined;
  /** Whether commas inside brace groups (`sc@{4,8}`) belong to their item rather than split the list. */
  readonly braces?: boolean | undefined;
}

/** The item at `index` (from 0) in words: `the first item` … `the tenth item`, then `item 11`. */
function itemInWords(index: number): string {
  const ordinal = ordinals[index];
  return ordinal === undefined ? `item ${index + 1}` : `the ${ordinal} item`;
}

/** `text` cut at its commas, or at those outside brace groups. */
function cut(text: string, braces: boolean): string[] {
  if (!braces) return text.split(",");
  const items: string[] = [];
  let depth = 0;
  let current = "";
  for (const character of text) {
    if (character === "{") depth += 1;
    if (character === "}") depth -= 1;
    if (character === "," && depth === 0) {
      items.push(current);
      current = "";
    } else {
      current += character;
    }
  }
  items.push(current);
  return items;
}

/**
 * A comma-separated list's items, trimmed (`"4, 8,16"` → `["4", "8", "16"]`). The one refusal of an empty
 * list or an empty item, naming the owner and field where given, the value and the empty item's position:
 * `bench:search: --n: the second item of "4,,8" is empty; expected a comma-separated list without empty
 * items`, or `--n: no items in ""; expected …` where every item is empty.
 *
 * @throws ConfigError for an empty list or an empty item, with `field` set to `options.field`.
 * @example
 * splitList("4, 8,16", { owner: "bench:search", field: "--n" }); // ["4", "8", "16"]
 * splitList("greedy,sc@{4,8}", { braces: true }); // ["greedy", "sc@{4,8}"]
 */
export function splitList(text: string, options: SplitListOptions = {}): string[] {
  const items = cut(text, options.braces === true).map((item) => item.trim());
  const empty = items.indexOf("");
  if (empty === -1) return items;
  const problem = items.every((item) => item === "")
    ? `no items in ${JSON.stringify(text)}`
    : `${itemInWords(empty)} of ${JSON.stringify(text)} is empty`;
  const prefix = [options.owner, options.field].filter((part) => part !== undefined).join(": ");
  throw new ConfigError(`${prefix === "" ? "" : `${prefix}: `}${problem}; ${expectedList}`, {
    field: options.field,
  });
}
