import { InvalidArgumentError } from "@commander-js/extra-typings";
import { ConfigError } from "../errors/index.ts";
import { splitList } from "../runtime/index.ts";
import { expandSpecList } from "../strategies/index.ts";

/**
 * A commander parser for a comma-separated list (`greedy,sc@8`), items trimmed; an empty item is refused
 * as `splitList` words it, with the value and the item's position named (commander adds the flag).
 *
 * @example
 * new Command("bench").option("--strategies <list>", "strategies to run", listOption);
 */
export function listOption(value: string): string[] {
  try {
    return splitList(value);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    throw new InvalidArgumentError(error.message);
  }
}

/**
 * A commander parser for a comma-separated list whose items each go through `parse`, a flag parser; the
 * error names the bad item and the whole value.
 *
 * @example
 * new Command("tune").option("--concurrency <list>", "levels", listOf(integerOption(1, 4096)));
 */
export function listOf<Item>(parse: (item: string) => Item): (value: string) => Item[] {
  return (value) =>
    listOption(value).map((item) => {
      try {
        return parse(item);
      } catch (error) {
        throw new InvalidArgumentError(`${(error as Error).message} in "${value}"`);
      }
    });
}

/**
 * A commander parser for a comma-separated list of strategy specs in which brace groups expand
 * (`greedy,sc@{4,8}`, `gen@{4,8}+{verify,test}+vote`; see `expandSpecList`); a bad pattern is refused
 * with the value named.
 *
 * @example
 * new Command("bench").option("--strategies <list>", "strategies to run", strategyListOption);
 */
export function strategyListOption(value: string): string[] {
  try {
    return expandSpecList(value);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    throw new InvalidArgumentError(error.message.replace(/^strategy: /, ""));
  }
}
