import { existsSync } from "node:fs";
import path from "node:path";
import { resolveModelPath } from "@mull/llama-cpp";
import { ConfigError } from "../src/errors/index.ts";

/**
 * Checks, before any work, that a model flag names a model that can be loaded: a lab model name from
 * `packages/llama-cpp/models/models.json` whose file is there, or the path of a `.gguf` file. Returns the
 * model's file.
 *
 * @throws ConfigError naming the owner, the flag and the value (field the flag):
 *   `bench:glimpse: --small: unknown model "nosuch": expected one of lab-v2-large, lab-v2-small, … or a path to a
 *   .gguf file`, or `bench:glimpse: --small: no model file at /…/lab-v2-small.gguf`.
 * @example
 * await checkModelFlag("bench:search", "--model", "lab-large");
 */
export async function checkModelFlag(owner: string, flag: string, model: string): Promise<string> {
  let file: string;
  try {
    file = await resolveModelPath(model);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    throw new ConfigError(`${owner}: ${flag}: ${error.message}`, { field: flag, cause: error });
  }
  if (!existsSync(file)) {
    const named = file === path.resolve(model) ? "" : ` (lab model ${JSON.stringify(model)})`;
    throw new ConfigError(`${owner}: ${flag}: no model file at ${file}${named}`, { field: flag });
  }
  return file;
}
