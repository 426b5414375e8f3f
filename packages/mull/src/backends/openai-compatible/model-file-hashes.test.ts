import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fileSha256 } from "../../runtime/index.ts";
import { createModelFileHashes } from "./model-file-hashes.ts";

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function temporaryDirectory(): string {
  const directory = mkdtempSync(path.join(tmpdir(), "mull-model-hash-"));
  directories.push(directory);
  return directory;
}

const sha256 = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

describe("fileSha256", () => {
  it("streams a file into its hex SHA-256", async () => {
    const file = path.join(temporaryDirectory(), "model.gguf");
    writeFileSync(file, "GGUF weights");
    expect(await fileSha256(file)).toBe(sha256("GGUF weights").slice("sha256:".length));
  });
});

describe("createModelFileHashes", () => {
  it("hashes a local model file once, and remembers it", async () => {
    const file = path.join(temporaryDirectory(), "lab-large.gguf");
    writeFileSync(file, "GGUF weights");
    const hashes = createModelFileHashes();
    expect(hashes.known(file)).toBeUndefined();
    expect(await hashes.hash(file)).toBe(sha256("GGUF weights"));
    expect(hashes.known(file)).toBe(sha256("GGUF weights"));
    // Hashed once: a changed file is not read again by the same backend.
    writeFileSync(file, "other weights");
    expect(await hashes.hash(file)).toBe(sha256("GGUF weights"));
  });

  it("gives no hash, and no error, for a missing file, a folder or after the lifetime ended", async () => {
    const directory = temporaryDirectory();
    const hashes = createModelFileHashes();
    expect(await hashes.hash(path.join(directory, "missing.gguf"))).toBeUndefined();
    expect(await hashes.hash(directory)).toBeUndefined();
    const file = path.join(directory, "model.gguf");
    writeFileSync(file, "GGUF weights");
    const ended = createModelFileHashes({ signal: AbortSignal.abort() });
    expect(await ended.hash(file)).toBeUndefined();
    expect(ended.known(file)).toBeUndefined();
  });

  it("hashes a file bigger than hashedAtOnce in the background, telling it once known", async () => {
    const file = path.join(temporaryDirectory(), "big.gguf");
    writeFileSync(file, "GGUF weights");
    const hashes = createModelFileHashes({ hashedAtOnce: 4 });
    expect(await hashes.hash(file)).toBeUndefined();
    await expect
      .poll(() => hashes.known(file), { timeout: 5_000, interval: 10 })
      .toBe(sha256("GGUF weights"));
  });

  it("hashes a file of exactly hashedAtOnce bytes before resolving", async () => {
    const file = path.join(temporaryDirectory(), "edge.gguf");
    writeFileSync(file, "GGUF");
    expect(await createModelFileHashes({ hashedAtOnce: 4 }).hash(file)).toBe(sha256("GGUF"));
  });
});
