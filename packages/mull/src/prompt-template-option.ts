import { z } from "zod";
import {
  builtinPromptTemplate,
  builtinPromptTemplateNames,
  type NamedPromptTemplate,
} from "./prompts/index.ts";
import { describeValue, mustBe } from "./runtime/index.ts";
import type { PromptTemplate } from "./spec/index.ts";

/** What `promptTemplate` must be, in the words of its refusal. */
const expectedPromptTemplate =
  "a prompt template: a function (problem) => Prompt, the template loadPromptTemplate returns " +
  `(an object with a render method) or a built-in name (${builtinPromptTemplateNames.join(", ")})`;

/** A hint after the refusal of a value that is nearly a prompt template. */
function promptTemplateHint(value: unknown): string {
  if (typeof value === "string") {
    return `; for a template file, pass await loadPromptTemplate(${describeValue(value)})`;
  }
  if (value instanceof Promise) return "; await it and pass the template it gives";
  if (typeof value === "object" && value !== null && "prompt" in value) {
    return "; for a template spec, pass promptTemplateFromSpec(spec)";
  }
  return "";
}

/**
 * The check of `solve`'s `promptTemplate` option, which it turns into the function that renders: a
 * function is kept, a loaded template gives its `render`, a built-in template's name the built-in's. Anything
 * else is refused with what was expected, what was given, and a hint for a value that is nearly one (a
 * file name, a template not awaited, a template spec).
 *
 * @example
 * const settings = z.strictObject({ promptTemplate: promptTemplateOption.optional() });
 * const render = settings.parse({ promptTemplate: "gsm8k" }).promptTemplate;
 */
export const promptTemplateOption = z.unknown().transform((value, context): PromptTemplate => {
  if (typeof value === "function") return value as PromptTemplate;
  const render =
    typeof value === "string"
      ? builtinPromptTemplate(value)?.render
      : typeof value === "object" && value !== null
        ? (value as Partial<NamedPromptTemplate>).render
        : undefined;
  if (typeof render === "function") return render;
  context.addIssue({
    code: "custom",
    input: value,
    message: `${mustBe(expectedPromptTemplate, value)}${promptTemplateHint(value)}`,
  });
  return z.NEVER;
});
