import { existsSync } from "node:fs";
import path from "node:path";
import { labModelsDirectory } from "./lab-models.ts";

/** A development build of the lab model, used by the tests until the shipped models exist. */
const developmentModel = "/tmp/mull-lab/early.gguf";

/**
 * The GGUF the model-backed tests run against: `MULL_TEST_MODEL` when set, else the shipped `lab-large`, else
 * `lab-small`, else a development build. Throws (so those tests fail, never skip) when there is none.
 */
export function testModelPath(): string {
  const candidates = [
    process.env.MULL_TEST_MODEL,
    path.join(labModelsDirectory, "lab-large.gguf"),
    path.join(labModelsDirectory, "lab-small.gguf"),
    developmentModel,
  ].filter((candidate): candidate is string => candidate !== undefined && candidate.length > 0);
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new Error(
      `no lab model to test the embedded backend with: looked for ${candidates.join(", ")}. ` +
        "The shipped models belong in packages/llama-cpp/models/ (set MULL_TEST_MODEL to use another GGUF).",
    );
  }
  return found;
}
