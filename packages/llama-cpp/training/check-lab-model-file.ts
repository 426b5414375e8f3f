import { closeSync, openSync, readSync } from "node:fs";
import { readGgufFileInfo } from "node-llama-cpp";
import { ConfigError } from "../../mull/src/errors/index.ts";
import { labVocabulary } from "../src/read-lab-model-name.ts";
import { checkInputFile } from "./check-input-file.ts";

/** The first four bytes of `path` (fewer for a shorter file). */
function magicOf(path: string): Buffer {
  const handle = openSync(path, "r");
  try {
    const magic = Buffer.alloc(4);
    const bytesRead = readSync(handle, magic, 0, 4, 0);
    return magic.subarray(0, bytesRead);
  } finally {
    closeSync(handle);
  }
}

/**
 * Checks, before the model loads, that a file is a lab GGUF: a file (`checkInputFile`) that starts with the
 * GGUF magic, whose header node-llama-cpp reads, of architecture `llama` with the lab's tokenizer token for
 * token (`labVocabulary`: 279 tokens, as `lab_model.py` writes them and `readLabModelName` recognises a lab
 * model by). Any other GGUF would load and score 0% without saying why.
 *
 * @throws ConfigError `<owner>: <field> "x.pt" is not a GGUF file (…)` or `… is not a lab model (…)`,
 *   naming what the file holds and what was expected, with `field` set.
 * @example
 * await checkLabModelFile("evaluate.ts", "model", "/repo/packages/llama-cpp/models/lab-large.gguf");
 */
export async function checkLabModelFile(owner: string, field: string, path: string): Promise<void> {
  checkInputFile(owner, field, path);
  const refusal = (problem: string) =>
    new ConfigError(`${owner}: ${field} ${JSON.stringify(path)} ${problem}`, { field });
  const magic = magicOf(path);
  if (magic.toString("latin1") !== "GGUF") {
    throw refusal(
      magic.length === 0
        ? "is not a GGUF file (it is empty; expected a lab model such as ../models/lab-large.gguf)"
        : `is not a GGUF file (its first bytes are ${magic.toString("hex")}, expected "GGUF" (47475546); a ` +
            "checkpoint (.pt) is exported with export_gguf.py)",
    );
  }
  let metadata: { general?: { architecture?: unknown }; tokenizer?: { ggml?: { tokens?: unknown } } };
  try {
    metadata = (await readGgufFileInfo(path, { readTensorInfo: false })).metadata as typeof metadata;
  } catch (error) {
    throw refusal(`is not a lab model (its GGUF header cannot be read: ${(error as Error).message})`);
  }
  const architecture = metadata.general?.architecture;
  if (architecture !== "llama") {
    throw refusal(
      `is not a lab model (general.architecture is ${JSON.stringify(architecture ?? null)}, expected "llama")`,
    );
  }
  const tokens = metadata.tokenizer?.ggml?.tokens;
  const vocabulary = Array.isArray(tokens) ? tokens.length : 0;
  if (vocabulary !== labVocabulary.length) {
    throw refusal(
      `is not a lab model (a vocabulary of ${vocabulary} tokens, expected the lab's ${labVocabulary.length})`,
    );
  }
  const differing = (tokens as unknown[]).findIndex((token, index) => token !== labVocabulary[index]);
  if (differing !== -1) {
    throw refusal(
      `is not a lab model (token ${differing} is ${JSON.stringify((tokens as unknown[])[differing])}, ` +
        `expected the lab's ${JSON.stringify(labVocabulary[differing])})`,
    );
  }
}
