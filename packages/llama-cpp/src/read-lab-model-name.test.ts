import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labModels } from "./lab-models.ts";
import { labVocabulary, readLabModelName } from "./read-lab-model-name.ts";
import { copyModelWithMetadata } from "./test-chat-model.ts";

let directory: string;
const lab = (await labModels()).filter((model) => model.sizeBytes !== undefined);
const small = lab.find((model) => model.name === "lab-small");

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "mull-lab-name-"));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe.skipIf(small === undefined)("readLabModelName", () => {
  it("reads the name of every shipped lab model, whose tokens are the lab's vocabulary", async () => {
    expect(labVocabulary).toHaveLength(279);
    for (const model of lab) expect(await readLabModelName(model.path)).toBe(model.name);
  });

  it("knows a lab model by its metadata, whatever its file is called", async () => {
    const copy = path.join(directory, "x.gguf");
    await copyFile(small?.path ?? "", copy);
    expect(await readLabModelName(copy)).toBe("lab-small");
  });

  it("is undefined for a model with another tokenizer, even named lab-…", async () => {
    const bytes = await readFile(small?.path ?? "");
    // The tokens `Q` and `A` are stored side by side as one-byte strings; `Q` becomes `q`.
    const length = Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]);
    const at = bytes.indexOf(Buffer.concat([length, Buffer.from("Q"), length, Buffer.from("A")]));
    expect(at).toBeGreaterThan(0);
    const changed = Buffer.from(bytes);
    changed[at + 8] = "q".charCodeAt(0);
    const other = path.join(directory, "lab-other.gguf");
    await writeFile(other, changed);
    expect(await readLabModelName(other)).toBeUndefined();
  });

  it("is undefined for a lab model given a chat template", async () => {
    const chat = path.join(directory, "chat.gguf");
    await copyModelWithMetadata(small?.path ?? "", chat, "tokenizer.chat_template", "{{ messages }}");
    expect(await readLabModelName(chat)).toBeUndefined();
  });
});
