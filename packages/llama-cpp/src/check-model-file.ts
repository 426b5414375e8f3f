import { open, stat } from "node:fs/promises";
import { ConfigError, MullError } from "mull/errors";

/**
 * Fails with a `ConfigError` naming the path unless it is a readable file that starts with the GGUF magic;
 * returns its size in bytes. Whatever passes is then loaded by llama.cpp, which reports corrupt contents.
 */
export async function checkModelFile(modelPath: string): Promise<number> {
  let size: number;
  try {
    const info = await stat(modelPath);
    if (!info.isFile()) throw new ConfigError(`model ${modelPath} is not a file`, { field: "model" });
    size = info.size;
  } catch (error) {
    if (MullError.isInstance(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === "ENOENT"
        ? `model file ${modelPath} does not exist`
        : `model file ${modelPath} cannot be read (${code})`,
      { field: "model", cause: error },
    );
  }
  const handle = await open(modelPath, "r");
  try {
    const magic = Buffer.alloc(4);
    const { bytesRead } = await handle.read(magic, 0, 4, 0);
    const text = magic.subarray(0, bytesRead).toString("latin1");
    if (text !== "GGUF") {
      throw new ConfigError(
        `model file ${modelPath} is not a GGUF file: it starts with ${JSON.stringify(text)}, expected "GGUF"`,
        { field: "model" },
      );
    }
  } finally {
    await handle.close();
  }
  return size;
}
