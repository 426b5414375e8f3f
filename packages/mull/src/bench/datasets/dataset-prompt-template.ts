import { dirname, isAbsolute, resolve } from "node:path";
import { ConfigError } from "../../errors/index.ts";
import {
  builtinPromptTemplate,
  builtinPromptTemplateNames,
  loadPromptTemplate,
  type NamedPromptTemplate,
  parsePromptTemplateSpec,
  promptTemplateFromSpec,
} from "../../prompts/index.ts";
import { describeValue } from "../../runtime/index.ts";
import { DatasetError } from "./dataset-error.ts";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A template's error, said as the dataset file's. */
function asDatasetError(error: unknown, file: string, field: string): unknown {
  if (!ConfigError.isInstance(error) || DatasetError.isInstance(error)) return error;
  return new DatasetError(error.message.startsWith(file) ? error.message : `${file}: ${error.message}`, {
    file,
    field,
    cause: error,
  });
}

/**
 * The prompt template a dataset file names in its `promptTemplate` field, as `--prompt-template` takes
 * one: a built-in template's name (`gsm8k`, `qwen-math`, …), the path of a template file (relative to the
 * dataset file's folder), or a template object as such a file holds it (`{ "endpoint": "chat", "prompt":
 * "… {question} …" }`). A file's template is named `file:<path as written>`, an object's `inline`.
 *
 * @throws DatasetError naming the dataset file, the field (`promptTemplate`, or `promptTemplate.prompt`
 *   and the like inside an object), the value and what was expected.
 * @example
 * const template = await datasetPromptTemplate("qwen-math", "/data/olympiad.json");
 * template.render({ question: "1+1?" }).kind; // "chat"
 */
export async function datasetPromptTemplate(value: unknown, file: string): Promise<NamedPromptTemplate> {
  if (typeof value === "string" && value !== "") {
    const builtin = builtinPromptTemplate(value);
    if (builtin !== undefined) return builtin;
    const path = isAbsolute(value) ? value : resolve(dirname(file), value);
    try {
      return { ...(await loadPromptTemplate(path, "promptTemplate")), name: `file:${value}` };
    } catch (error) {
      throw asDatasetError(error, file, "promptTemplate");
    }
  }
  if (isPlainObject(value)) {
    try {
      const spec = parsePromptTemplateSpec(value, `${file}: promptTemplate`);
      return { name: "inline", endpoint: spec.endpoint, render: promptTemplateFromSpec(spec), spec };
    } catch (error) {
      const inner = ConfigError.isInstance(error) ? error.field : undefined;
      throw asDatasetError(error, file, inner === undefined ? "promptTemplate" : `promptTemplate.${inner}`);
    }
  }
  throw new DatasetError(
    `${file}: field "promptTemplate": expected a built-in template name (${builtinPromptTemplateNames.join(", ")}), ` +
      `a template file's path or a template object, got ${describeValue(value)}`,
    { file, field: "promptTemplate" },
  );
}
