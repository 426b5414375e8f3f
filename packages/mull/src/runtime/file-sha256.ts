import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/**
 * Hex SHA-256 of a file, streamed (a few milliseconds for the lab models).
 *
 * @example
 * const hash = await fileSha256("models/lab-small.gguf");
 */
export async function fileSha256(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash("sha256");
  const stream = createReadStream(file, signal === undefined ? {} : { signal });
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
