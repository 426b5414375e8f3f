import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isEmbeddedLabModel } from "./embedded-lab-model.ts";
import { labModelsUnderTest } from "./lab-models-under-test.test-support.ts";

const lab = labModelsUnderTest(["lab-small"]);
if (lab.missing !== undefined) console.log(lab.missing);
const labSmall = fileURLToPath(new URL("../../../llama-cpp/models/lab-small.gguf", import.meta.url));

let directory: string;
/** A lab model's file under a name that says nothing (its metadata is lab-small's). */
let renamed: string;
/** A model with no chat template that is not a lab model: lab-small with its token `Q` made `q`. */
let foreign: string;
/** A file named `lab-….gguf` that is not a GGUF file. */
let namedOnly: string;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "mull-embedded-lab-model-"));
  renamed = path.join(directory, "trained.gguf");
  await copyFile(labSmall, renamed);
  const bytes = Buffer.from(await readFile(labSmall));
  const length = Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]);
  const at = bytes.indexOf(Buffer.concat([length, Buffer.from("Q"), length, Buffer.from("A")]));
  if (at < 0) throw new Error("lab-small.gguf does not store its tokens Q and A side by side");
  bytes[at + 8] = "q".charCodeAt(0);
  foreign = path.join(directory, "foreign.gguf");
  await writeFile(foreign, bytes);
  namedOnly = path.join(directory, "lab-notes.gguf");
  await writeFile(namedOnly, "not a model");
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe.skipIf(!lab.present)("isEmbeddedLabModel", () => {
  it("knows a lab model by its name, whatever its file holds", async () => {
    expect(await isEmbeddedLabModel("lab-v2-large")).toBe(true);
    expect(await isEmbeddedLabModel(namedOnly)).toBe(true);
  });

  it("knows a lab model's file by its metadata, whatever the file is called", async () => {
    expect(await isEmbeddedLabModel(renamed)).toBe(true);
    // Relative to the working directory, as the engine resolves it.
    expect(await isEmbeddedLabModel(path.relative(process.cwd(), renamed))).toBe(true);
  });

  it("says no for another model's file, and for a model the engine cannot load, leaving the load to say why", async () => {
    expect(await isEmbeddedLabModel(foreign)).toBe(false);
    expect(await isEmbeddedLabModel(path.join(directory, "missing.gguf"))).toBe(false);
    expect(await isEmbeddedLabModel("qwen2.5-0.5b")).toBe(false);
  });
});
