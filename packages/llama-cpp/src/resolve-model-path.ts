import path from "node:path";
import { ConfigError } from "mull/errors";
import { describeValue } from "mull/runtime";
import { type LabModelsOptions, labModels, labModelsDirectory } from "./lab-models.ts";

/** The lab model names that exist even before `models.json` is written. */
const builtInLabNames = ["lab-small", "lab-large"] as const;

function looksLikePath(model: string): boolean {
  return model.endsWith(".gguf") || model.includes("/") || model.includes("\\") || model.startsWith(".");
}

/**
 * Turns a model argument into an absolute GGUF path: a lab model name (`lab-small`, `lab-large`, or any name in
 * `models/models.json`) maps to its shipped file; anything that looks like a path (ends in `.gguf` or contains a
 * path separator) is resolved against the working directory. Whether the file exists is checked when it is
 * loaded. An unknown name is a `ConfigError` listing the valid names.
 *
 * @example
 * const file = await resolveModelPath("lab-small"); // …/packages/llama-cpp/models/lab-small.gguf
 */
export async function resolveModelPath(model: string, options: LabModelsOptions = {}): Promise<string> {
  if (typeof model !== "string" || model.trim().length === 0) {
    throw new ConfigError(
      `model must be a lab model name (${builtInLabNames.join(", ")}) or a path to a .gguf file, got ${describeValue(model)}`,
      { field: "model" },
    );
  }
  if (looksLikePath(model)) return path.resolve(model);
  const listed = await labModels(options);
  const entry = listed.find((candidate) => candidate.name === model);
  if (entry !== undefined) return entry.path;
  if ((builtInLabNames as readonly string[]).includes(model)) {
    return path.join(path.resolve(options.directory ?? labModelsDirectory), `${model}.gguf`);
  }
  const names = [...new Set([...builtInLabNames, ...listed.map((candidate) => candidate.name)])];
  throw new ConfigError(
    `unknown model ${JSON.stringify(model)}: expected one of ${names.join(", ")} or a path to a .gguf file`,
    { field: "model" },
  );
}
