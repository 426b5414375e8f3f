import { statSync } from "node:fs";
import { ConfigError } from "../../mull/src/errors/index.ts";

/**
 * Checks, before any work, that a file a training script reads is there: the path exists and is a file
 * (not a folder). What the file holds is left to its reader (llama.cpp for a GGUF, torch for a checkpoint).
 *
 * @throws ConfigError `<owner>: <field> "x.gguf" does not exist` or `… is a directory, not a file`, with
 *   `field` set.
 * @example
 * checkInputFile("evaluate.ts", "model", "runs/large-s2/model.gguf");
 */
export function checkInputFile(owner: string, field: string, path: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === "ENOENT" || code === "ENOTDIR"
        ? "does not exist"
        : `cannot be read (${code ?? "unknown error"})`;
    throw new ConfigError(`${owner}: ${field} ${JSON.stringify(path)} ${problem}`, { field, cause: error });
  }
  if (!isFile) {
    throw new ConfigError(`${owner}: ${field} ${JSON.stringify(path)} is a directory, not a file`, { field });
  }
}
