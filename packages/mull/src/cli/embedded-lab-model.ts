import { labModelName } from "../lab/index.ts";

/**
 * Whether an embedded model is one the lab recipe trained: by its name (`lab-v2-large`, the path of a
 * `lab-….gguf` file), else by what its GGUF file carries, whatever the file is called (`readLabModelName`,
 * which reads the file's metadata, not its weights). `model` is what the engine's `model` option takes: a lab
 * model's name or the path of a `.gguf` file, resolved as the engine resolves it (`resolveModelPath`), so that
 * the answer before the model loads is the answer for the file it loads.
 *
 * A model that is not one the engine knows, a file that cannot be read as GGUF, or a missing
 * `@mull/llama-cpp` is not a lab model here: loading the model says what is wrong with it.
 *
 * @example
 * await isEmbeddedLabModel("lab-v2-large"); // true
 * await isEmbeddedLabModel("/tmp/x/trained.gguf"); // true for a copy of a lab model's file
 * await isEmbeddedLabModel("/models/qwen2.5-0.5b.gguf"); // false
 */
export async function isEmbeddedLabModel(model: string): Promise<boolean> {
  if (labModelName(model) !== undefined) return true;
  let embedded: typeof import("@mull/llama-cpp");
  try {
    embedded = await import("@mull/llama-cpp");
  } catch {
    return false;
  }
  try {
    const file = await embedded.resolveModelPath(model);
    return (await embedded.readLabModelName(file)) !== undefined;
  } catch {
    return false;
  }
}
