import { ConfigError } from "../errors/index.ts";
import { optionError, splitList } from "../runtime/index.ts";

/** The most specs one pattern may expand to. */
export const largestSpecExpansion = 1024;

/**
 * Expands the brace groups of a spec pattern into every spec it names, as a shell does: each `{a,b}`
 * takes each of its alternatives in turn, the groups varying left to right, the last fastest
 * (`gen@{4,8}+{verify,test}+vote` → `gen@4+verify+vote`, `gen@4+test+vote`, `gen@8+verify+vote`,
 * `gen@8+test+vote`). A pattern without braces is itself. Groups do not nest; an empty alternative
 * (`{,+verify}`) stands for nothing, so a layer can be optional.
 *
 * @throws ConfigError for an unbalanced or nested brace, more than `largestSpecExpansion` specs, or a
 * pattern that is not a string.
 * @example
 * expandSpecBraces("sc@{4,8,16}"); // ["sc@4", "sc@8", "sc@16"]
 */
export function expandSpecBraces(pattern: string): string[] {
  if (typeof pattern !== "string") {
    throw optionError("expandSpecBraces", "pattern", pattern, 'a spec pattern (a string such as "sc@{4,8}")');
  }
  const pieces: string[][] = [];
  let literal = "";
  let group: string[] | undefined;
  // Where the open group's "{" is, counting characters from 1.
  let opened = 0;
  for (const [index, character] of [...pattern].entries()) {
    if (character === "{") {
      if (group !== undefined) {
        throw braceError(pattern, `a brace group inside another (the "{" at position ${index + 1})`);
      }
      pieces.push([literal]);
      literal = "";
      group = [];
      opened = index + 1;
    } else if (character === "}") {
      if (group === undefined) {
        throw braceError(pattern, `a "}" without its "{" (at position ${index + 1})`);
      }
      group.push(literal);
      pieces.push(group);
      literal = "";
      group = undefined;
    } else if (character === "," && group !== undefined) {
      group.push(literal);
      literal = "";
    } else {
      literal += character;
    }
  }
  if (group !== undefined) {
    throw braceError(pattern, `a "{" without its "}" (the "{" at position ${opened}, never closed)`);
  }
  pieces.push([literal]);
  const count = pieces.reduce((product, alternatives) => product * alternatives.length, 1);
  if (count > largestSpecExpansion) {
    throw braceError(pattern, `${count} specs, more than ${largestSpecExpansion}`);
  }
  let specs = [""];
  for (const alternatives of pieces) {
    specs = specs.flatMap((spec) => alternatives.map((alternative) => spec + alternative));
  }
  return specs;
}

function braceError(pattern: string, problem: string): ConfigError {
  return new ConfigError(
    `strategy: the pattern ${JSON.stringify(pattern)} has ${problem}; expected brace groups of alternatives, ` +
      "not nested, e.g. gen@{4,8}+{verify,test}+vote",
    { field: "strategy" },
  );
}

/**
 * Splits a comma-separated list of spec patterns at the commas outside brace groups, and expands each
 * (`expandSpecBraces`): `greedy,sc@{4,8}` → `greedy`, `sc@4`, `sc@8`. Items are trimmed.
 *
 * @throws ConfigError for an empty item, an unbalanced brace, a pattern that expands to too many specs, or
 * a list that is not a string.
 * @example
 * expandSpecList("greedy,gen@{4,8}+vote"); // ["greedy", "gen@4+vote", "gen@8+vote"]
 */
export function expandSpecList(list: string): string[] {
  if (typeof list !== "string") {
    throw optionError(
      "expandSpecList",
      "list",
      list,
      'a comma-separated list of spec patterns (a string such as "greedy,sc@{4,8}")',
    );
  }
  return splitList(list, { field: "strategy", braces: true }).flatMap((item) =>
    expandSpecBraces(item).map((spec) => spec.trim()),
  );
}
