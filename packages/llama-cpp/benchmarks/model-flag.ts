import { ConfigError } from "mull/errors";
import { checkModelFile } from "../src/check-model-file.ts";
import { resolveModelPath } from "../src/resolve-model-path.ts";

/**
 * Checks, before any work, that a model flag names a model that can be loaded: a lab model name from
 * `models/models.json`, or the path of a `.gguf` file, whose file is there and is a GGUF file. Returns the
 * model's file.
 *
 * @throws ConfigError naming the owner, the flag and the value (field the flag):
 *   `bench:speculative: --draft: unknown model "nosuch": expected one of lab-v2-large, lab-v2-small, … or a path
 *   to a .gguf file`, or `bench:speculative: --draft: model file /tmp/x.gguf does not exist`.
 * @example
 * await checkModelFlag("bench:speculative", "--draft", "lab-v2-small");
 */
export async function checkModelFlag(owner: string, flag: string, model: string): Promise<string> {
  try {
    const file = await resolveModelPath(model);
    await checkModelFile(file);
    return file;
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    throw new ConfigError(`${owner}: ${flag}: ${error.message}`, { field: flag, cause: error });
  }
}
