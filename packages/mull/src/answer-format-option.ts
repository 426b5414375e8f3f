import { z } from "zod";
import { answerFormatByName, answerFormatNames } from "./answers/index.ts";
import { mustBe, objectWithMethods } from "./runtime/index.ts";
import type { AnswerFormat } from "./spec/index.ts";

/** An answer format given as an object: its three methods, and a name. */
const answerFormatObject = objectWithMethods<AnswerFormat>({
  expected: `an answer format name (${answerFormatNames.join(", ")}) or an answer format`,
  noun: "answer format",
  methods: ["extract", "key", "equivalent"],
}).refine((format) => typeof format.name === "string", {
  path: ["name"],
  error: (issue) => mustBe("a string (the format's name)", (issue.input as { name?: unknown }).name),
});

/**
 * The check of `solve`'s `answerFormat` option: a format name (`auto`, `numeric`, …), which becomes the
 * format it names, or a format object with its `extract`, `key` and `equivalent` methods and a string
 * `name`, kept as given. Anything else is refused with what was expected and what was given.
 *
 * @example
 * const settings = z.strictObject({ answerFormat: answerFormatOption.optional() });
 * settings.parse({ answerFormat: "numeric" }).answerFormat?.name; // "numeric"
 */
export const answerFormatOption = z.unknown().transform((value, context): AnswerFormat => {
  if (typeof value === "string" && (answerFormatNames as readonly string[]).includes(value)) {
    return answerFormatByName(value);
  }
  const parsed = answerFormatObject.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    context.addIssue({ code: "custom", input: value, path: [...issue.path], message: issue.message });
  }
  return z.NEVER;
});
