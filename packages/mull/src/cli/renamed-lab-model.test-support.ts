import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";

/** A lab model's file copied under a name that says nothing of it, in a folder of its own. */
export interface RenamedLabModel {
  /** The copy's path (set once the file's `beforeAll` ran). */
  readonly path: string;
  /** The folder that holds it, removed after the file's tests. */
  readonly directory: string;
}

/**
 * Copies `lab-small.gguf` to `fileName` in a temporary folder before the test file's tests, and removes
 * the folder after them: a model the lab recipe trained, known by its tokenizer rather than its name.
 */
export function renamedLabModel(fileName: string): RenamedLabModel {
  const labSmall = fileURLToPath(new URL("../../../llama-cpp/models/lab-small.gguf", import.meta.url));
  let directory = "";
  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), "mull-renamed-lab-model-"));
    await copyFile(labSmall, path.join(directory, fileName));
  });
  afterAll(async () => {
    if (directory !== "") await rm(directory, { recursive: true, force: true });
  });
  return {
    get path() {
      return path.join(directory, fileName);
    },
    get directory() {
      return directory;
    },
  };
}
