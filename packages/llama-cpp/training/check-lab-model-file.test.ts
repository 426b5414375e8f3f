import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../mull/src/errors/index.ts";
import { labVocabulary } from "../src/read-lab-model-name.ts";
import { checkLabModelFile } from "./check-lab-model-file.ts";

const models = fileURLToPath(new URL("../models/", import.meta.url));
const folder = mkdtempSync(join(tmpdir(), "check-lab-model-file-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A GGUF v3 file with no tensors, this general.architecture and these tokenizer.ggml.tokens. */
function gguf(name: string, architecture: string, tokens: readonly string[]): string {
  const parts: Buffer[] = [];
  const u32 = (value: number) => parts.push(Buffer.from(new Uint32Array([value]).buffer));
  const u64 = (value: number) => parts.push(Buffer.from(new BigUint64Array([BigInt(value)]).buffer));
  const text = (value: string) => {
    u64(Buffer.byteLength(value));
    parts.push(Buffer.from(value));
  };
  parts.push(Buffer.from("GGUF"));
  u32(3);
  u64(0);
  u64(2);
  text("general.architecture");
  u32(8);
  text(architecture);
  text("tokenizer.ggml.tokens");
  u32(9);
  u32(8);
  u64(tokens.length);
  for (const token of tokens) text(token);
  const path = join(folder, name);
  writeFileSync(path, Buffer.concat(parts));
  return path;
}

/** The message of the ConfigError `checkLabModelFile` throws for `path`. */
async function refusal(path: string): Promise<string> {
  try {
    await checkLabModelFile("evaluate.ts", "model", path);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error.message;
    throw error;
  }
  throw new Error(`expected ${path} to be refused`);
}

describe("checkLabModelFile", () => {
  it("accepts every shipped lab model and a lab-shaped header", async () => {
    for (const name of ["lab-small", "lab-large", "lab-v2-small", "lab-v2-large"]) {
      await expect(
        checkLabModelFile("evaluate.ts", "model", join(models, `${name}.gguf`)),
      ).resolves.toBeUndefined();
    }
    await expect(
      checkLabModelFile("evaluate.ts", "model", gguf("lab.gguf", "llama", labVocabulary)),
    ).resolves.toBeUndefined();
  });

  it("refuses a file that is not a GGUF, naming the field, the path and the magic expected", async () => {
    const junk = join(folder, "junk.pt");
    writeFileSync(junk, Buffer.from([0x80, 0x03, 0x6a, 0x75, 0x6e, 0x6b]));
    expect(await refusal(junk)).toBe(
      `evaluate.ts: model ${JSON.stringify(junk)} is not a GGUF file (its first bytes are 80036a75, expected ` +
        '"GGUF" (47475546); a checkpoint (.pt) is exported with export_gguf.py)',
    );
    const empty = join(folder, "empty.gguf");
    writeFileSync(empty, "");
    expect(await refusal(empty)).toContain(`model ${JSON.stringify(empty)} is not a GGUF file (it is empty`);
    expect(await refusal(join(folder, "none.gguf"))).toContain("does not exist");
  });

  it("refuses a GGUF of another architecture or another vocabulary", async () => {
    const qwen = gguf("qwen.gguf", "qwen2", labVocabulary);
    expect(await refusal(qwen)).toBe(
      `evaluate.ts: model ${JSON.stringify(qwen)} is not a lab model (general.architecture is "qwen2", expected "llama")`,
    );
    const wide = gguf("wide.gguf", "llama", [...labVocabulary, "x"]);
    expect(await refusal(wide)).toBe(
      `evaluate.ts: model ${JSON.stringify(wide)} is not a lab model (a vocabulary of 280 tokens, expected the lab's 279)`,
    );
    const other = gguf(
      "other.gguf",
      "llama",
      labVocabulary.map((token) => (token === "Q" ? "q" : token)),
    );
    expect(await refusal(other)).toBe(
      `evaluate.ts: model ${JSON.stringify(other)} is not a lab model (token 18 is "q", expected the lab's "Q")`,
    );
    // The shipped file with its architecture renamed (both names have five letters): the case that loaded and scored 0%.
    const renamed = join(folder, "renamed.gguf");
    copyFileSync(join(models, "lab-small.gguf"), renamed);
    const bytes = readFileSync(renamed);
    const at = bytes.indexOf("general.architecture") + "general.architecture".length + 12;
    bytes.write("qwen2", at, "latin1");
    writeFileSync(renamed, bytes);
    expect(await refusal(renamed)).toContain('general.architecture is "qwen2", expected "llama"');
  });

  it("expects the vocabulary size of every model in models.json", () => {
    const entries = JSON.parse(readFileSync(join(models, "models.json"), "utf8")) as {
      architecture: { vocabulary: number };
    }[];
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) expect(entry.architecture.vocabulary).toBe(labVocabulary.length);
  });
});
