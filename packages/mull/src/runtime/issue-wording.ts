import { z } from "zod";
import { describeValue } from "./describe-value.ts";
import { mustBe } from "./must-be.ts";
import { descriptionOf } from "./schema-shape.ts";

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

/** Allowed values in words: `false`, `"first" or "random"`. */
function valuesInWords(values: readonly unknown[]): string {
  const shown = values.map((value) => describeValue(value));
  return shown.length <= 1 ? shown.join("") : `${shown.slice(0, -1).join(", ")} or ${shown.at(-1)}`;
}

/** Where zod wrote a message of its own (`Invalid input: expected string, received number`), not the schema's. */
function isZodWording(issue: z.core.$ZodIssue): boolean {
  return issue.message.startsWith("Invalid input") || issue.message.startsWith("Invalid option");
}

/** The shared wording of a missing value (`must be an integer ≥ 1, got undefined`), with what it must be. */
const sharedAbsence = /^must be (.+), got undefined$/s;

/** What an issue says a value must be, in words; `undefined` where it does not say. */
function expectationOf(issue: z.core.$ZodIssue): string | undefined {
  const stated = sharedAbsence.exec(issue.message)?.[1];
  if (stated !== undefined) return stated;
  if (issue.code === "invalid_type" && issue.expected !== "nonoptional") return typeInWords(issue.expected);
  if (issue.code === "invalid_value") return valuesInWords(issue.values);
  if (issue.code === "invalid_union") {
    const alternatives = issue.errors.map((issues) => {
      const first = issues[0];
      return first?.code === "invalid_type" ? typeInWords(first.expected) : undefined;
    });
    if (alternatives.length > 0 && alternatives.every((alternative) => alternative !== undefined)) {
      return [...new Set(alternatives)].join(" or ");
    }
  }
  return undefined;
}

/**
 * What a missing option must be, in words, for an issue about its absence in zod's own words or in the
 * shared wording ending `got undefined`: the description its schema was given, else
 * what the issue says it expects (`must be an integer ≥ 1, got undefined`, zod's expected type), else what
 * its schema says of an undefined value, else `a value`. `undefined` for any other issue, such as a
 * cross-field check or a schema that words its own message.
 *
 * @example
 * missingExpectation(issue, z.string().describe("a lab model name")); // "a lab model name"
 */
export function missingExpectation(
  issue: z.core.$ZodIssue,
  schema: z.core.$ZodType | undefined,
): string | undefined {
  // Zod's own wording, or the shared one showing undefined; a message a schema words otherwise stays.
  const zodWording = isZodWording(issue);
  const stated = zodWording || sharedAbsence.test(issue.message) ? expectationOf(issue) : undefined;
  const mustBePresent = zodWording && issue.code === "invalid_type" && issue.expected === "nonoptional";
  if (stated === undefined && !mustBePresent) return undefined;
  const described = schema === undefined ? undefined : descriptionOf(schema);
  if (described !== undefined) return described;
  if (stated !== undefined) return stated;
  // A key that must be present (zod's `nonoptional`) says nothing of its type; its own schema may.
  let own: z.core.$ZodIssue | undefined;
  try {
    own = schema === undefined ? undefined : z.safeParse(schema, undefined).error?.issues[0];
  } catch {
    // A transform that cannot take undefined says nothing either.
  }
  return (own === undefined ? undefined : expectationOf(own)) ?? "a value";
}

/**
 * An issue's message in the shared wording (`must be a string, got 42`) where zod worded it its own way
 * (`Invalid input: expected string, received number`); any other message as it is.
 */
export function issueMessage(issue: z.core.$ZodIssue, given: unknown): string {
  const expected = isZodWording(issue) ? expectationOf(issue) : undefined;
  return expected === undefined ? issue.message : mustBe(expected, given);
}
