import type { z } from "zod";
import { describeValue } from "./describe-value.ts";
import { wordList } from "./word-list.ts";

/** Zod's names of the types it expects, in words; a name not here is a class (`AbortSignal`) or said as is. */
const typeWords: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  bigint: "a bigint",
  boolean: "a boolean",
  symbol: "a symbol",
  date: "a date",
  array: "an array",
  tuple: "an array",
  object: "an object",
  record: "an object",
  function: "a function",
  promise: "a promise",
  map: "a Map",
  set: "a Set",
  file: "a File",
  nan: "NaN",
  null: "null",
  undefined: "undefined",
  nonoptional: "a value",
};

/** A zod type name (`string`, `int`, `AbortSignal`) in words: `a string`, `an integer`, `an AbortSignal`. */
function typeInWords(expected: string): string {
  return typeWords[expected] ?? `${/^[aeiou]/i.test(expected) ? "an" : "a"} ${expected}`;
}

/** Allowed values in words, as `checkOneOf` words them: `false`, `"first" or "random"`, `"a", "b" or "c"`. */
function valuesInWords(values: readonly unknown[]): string {
  const shown = values.map((value) => describeValue(value));
  return wordList(shown, "or");
}

/** A bound of a size or a number in words: `a non-empty string`, `an integer of at most 9007199254740991`. */
function boundInWords(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === "too_small";
  const limit = small ? issue.minimum : issue.maximum;
  const inclusive = issue.inclusive !== false;
  if (issue.origin === "number" || issue.origin === "int" || issue.origin === "bigint") {
    const kind = issue.origin === "int" ? "an integer" : "a number";
    const relation = small
      ? inclusive
        ? "of at least"
        : "greater than"
      : inclusive
        ? "of at most"
        : "less than";
    return `${kind} ${relation} ${limit}`;
  }
  const sized: Readonly<Record<string, { kind: string; unit: string }>> = {
    string: { kind: "a string", unit: "character" },
    array: { kind: "an array", unit: "item" },
  };
  const { kind, unit } = sized[issue.origin] ?? { kind: "a value", unit: "item" };
  if (issue.exact === true) return `${kind} of exactly ${limit} ${unit}${limit === 1 ? "" : "s"}`;
  if (small && inclusive && limit === 1) return kind.replace(/^an? /, "a non-empty ");
  return `${kind} of ${small ? "at least" : "at most"} ${limit} ${unit}s`;
}

/** A string format in words: `a string starting with "sk-"`, `a string in email format`. */
function formatInWords(issue: z.core.$ZodIssueInvalidStringFormat): string {
  if ("prefix" in issue && typeof issue.prefix === "string") {
    return `a string starting with ${describeValue(issue.prefix)}`;
  }
  if ("suffix" in issue && typeof issue.suffix === "string") {
    return `a string ending with ${describeValue(issue.suffix)}`;
  }
  if ("includes" in issue && typeof issue.includes === "string") {
    return `a string containing ${describeValue(issue.includes)}`;
  }
  return issue.pattern === undefined
    ? `a string in ${issue.format} format`
    : `a string matching ${issue.pattern}`;
}

/**
 * What a zod issue says its value must be, in words that read after `must be`: the expected type
 * (`an integer`, `a boolean`, `an AbortSignal`), the allowed values (`"auto" or "any"`), a bound (`a number
 * of at least 0`, `a string of at most 256 characters`, `a non-empty array`), a format, or the
 * alternatives of a union (`a string or an array`), so that zod's own wording (`Invalid input: expected
 * string, received number`) need not reach a reader. The one wording of zod issues for option errors
 * (`parseOptions`) and request-body errors (the server's `parseRequestBody`). `undefined` for an issue
 * that words its own message (a custom rule) or names keys (`unrecognized_keys`).
 *
 * @example
 * issueExpectation({ code: "too_big", origin: "string", maximum: 256, inclusive: true, path: ["user"], message: "…" });
 * // "a string of at most 256 characters"
 */
export function issueExpectation(issue: z.core.$ZodIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      return typeInWords(issue.expected);
    case "invalid_value":
      return valuesInWords(issue.values);
    case "too_small":
    case "too_big":
      return boundInWords(issue);
    case "not_multiple_of":
      return `a multiple of ${issue.divisor}`;
    case "invalid_format":
      return formatInWords(issue);
    case "invalid_key": {
      const key = issue.issues[0] === undefined ? undefined : issueExpectation(issue.issues[0]);
      return key === undefined ? "an object with valid keys" : `an object whose keys are each ${key}`;
    }
    case "invalid_union": {
      if (issue.discriminator !== undefined && "options" in issue && issue.options !== undefined) {
        return valuesInWords(issue.options);
      }
      // Each branch that failed at its root says what it takes there: `a string or an array`.
      const alternatives = issue.errors.map((branch) => {
        const root = branch.find((inner) => inner.path.length === 0);
        return root === undefined ? undefined : issueExpectation(root);
      });
      if (alternatives.length === 0 || alternatives.some((alternative) => alternative === undefined)) {
        return undefined;
      }
      return [...new Set(alternatives)].join(" or ");
    }
    default:
      return undefined;
  }
}
