import path from "node:path";
import { ConfigError } from "mull/errors";
import { describeValue } from "mull/runtime";
import { type LabModel, type LabModelsOptions, labModels, labModelsDirectory } from "./lab-models.ts";

/** The lab model names that exist even before `models.json` is written. */
const builtInLabNames = ["lab-small", "lab-large"] as const;

function looksLikePath(model: string): boolean {
  return model.endsWith(".gguf") || model.includes("/") || model.includes("\\") || model.startsWith(".");
}

/**
 * The lab model names an error lists: every model of the card in its order (the default model, which the
 * card lists first, leading), then the built-in names the card lacks.
 */
function labNames(listed: readonly LabModel[]): string {
  return [...new Set([...listed.map((candidate) => candidate.name), ...builtInLabNames])].join(", ");
}

/**
 * Turns a model argument into an absolute GGUF path: a lab model name (`lab-small`, `lab-large`, or any name in
 * `models/models.json`) maps to its shipped file; anything that looks like a path (ends in `.gguf` or contains a
 * path separator) is resolved against the working directory. Whether the file exists is checked when it is
 * loaded. An empty or unknown name is a `ConfigError` listing the valid names, the card's in its order.
 *
 * @example
 * const file = await resolveModelPath("lab-small"); // …/packages/llama-cpp/models/lab-small.gguf
 */
export async function resolveModelPath(model: string, options: LabModelsOptions = {}): Promise<string> {
  if (typeof model !== "string" || model.trim().length === 0) {
    throw new ConfigError(
      `model must be a lab model name (${labNames(await labModels(options))}) or a path to a .gguf file, got ${describeValue(model)}`,
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
  throw new ConfigError(
    `unknown model ${JSON.stringify(model)}: expected one of ${labNames(listed)} or a path to a .gguf file`,
    { field: "model" },
  );
}
