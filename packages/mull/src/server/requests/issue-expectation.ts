import type { z } from "zod";
import { describeValue } from "../../runtime/index.ts";

/** Zod's names of the types it expects, in words; a name not here is said with its article. */
const typeWords: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  array: "an array",
  tuple: "an array",
  object: "an object",
  record: "an object",
  null: "null",
};

function typeInWords(expected: string): string {
  return typeWords[expected] ?? `${/^[aeiou]/i.test(expected) ? "an" : "a"} ${expected}`;
}

/** Allowed values in words: `"function"`, `one of "text", "json_object", "json_schema"`. */
function valuesInWords(values: readonly unknown[]): string {
  const shown = values.map((value) => describeValue(value));
  return shown.length === 1 ? (shown[0] ?? "") : `one of ${shown.join(", ")}`;
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

/**
 * What a zod issue says its value must be, in words a client reads after `must be`: the expected type
 * (`an integer`), the allowed values (`one of "auto", "any"`), a bound (`a number of at least 0`, `a string
 * of at most 256 characters`) or the alternatives of a union (`a string or an array`), so that no message
 * of zod's own (`Invalid input: expected string, received number`) reaches a client. `undefined` for an
 * issue that words its own message (a custom rule) or names keys (`unrecognized_keys`).
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
      return issue.pattern === undefined
        ? `a string in ${issue.format} format`
        : `a string matching ${issue.pattern}`;
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
