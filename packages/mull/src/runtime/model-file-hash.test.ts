import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { modelFileHash, modelFileHashedAtOnce } from "./model-file-hash.ts";

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function modelFile(contents: string): string {
  const directory = mkdtempSync(path.join(tmpdir(), "mull-model-file-hash-"));
  directories.push(directory);
  const file = path.join(directory, "model.gguf");
  writeFileSync(file, contents);
  return file;
}

const sha256 = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

describe("modelFileHash", () => {
  it("hashes a file up to 256 MiB before resolving", async () => {
    expect(modelFileHashedAtOnce).toBe(256 * 1024 * 1024);
    const modelHash = await modelFileHash(modelFile("GGUF weights"));
    expect(modelHash.hash).toBe(sha256("GGUF weights"));
    expect(modelHash.known()).toBe(sha256("GGUF weights"));
  });

  it("hashes a file of exactly hashedAtOnce bytes before resolving", async () => {
    const modelHash = await modelFileHash(modelFile("GGUF"), { hashedAtOnce: 4 });
    expect(modelHash.hash).toBe(sha256("GGUF"));
  });

  it("hashes a bigger file in the background, telling it once known", async () => {
    const modelHash = await modelFileHash(modelFile("GGUF weights"), { hashedAtOnce: 4 });
    expect(modelHash.hash).toBeUndefined();
    await expect.poll(() => modelHash.known(), { timeout: 5_000, interval: 10 }).toBe(sha256("GGUF weights"));
    expect(modelHash.hash).toBeUndefined();
  });

  it("gives no hash, and no error, for a missing file, a folder or an aborted hashing", async () => {
    const file = modelFile("GGUF weights");
    for (const missing of [path.join(path.dirname(file), "missing.gguf"), path.dirname(file)]) {
      const modelHash = await modelFileHash(missing);
      expect(modelHash.hash).toBeUndefined();
      expect(modelHash.known()).toBeUndefined();
    }
    const aborted = await modelFileHash(file, { signal: AbortSignal.abort() });
    expect(aborted.hash).toBeUndefined();
    expect(aborted.known()).toBeUndefined();
  });
});
