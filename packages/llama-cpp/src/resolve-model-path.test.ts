import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ConfigError } from "mull/errors";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveModelPath } from "./resolve-model-path.ts";

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "mull-resolve-model-"));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** The ConfigError `resolveModelPath` rejects `model` with. */
async function refusal(model: string, options = { directory }): Promise<ConfigError> {
  try {
    await resolveModelPath(model, options);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(model)} to be refused`);
}

describe("resolveModelPath's refusals", () => {
  it("list every model of the card in its order, default first, for an empty and an unknown name", async () => {
    await writeFile(
      path.join(directory, "models.json"),
      JSON.stringify([
        { name: "lab-v2-large", file: "a.gguf" },
        { name: "lab-v2-small", file: "b.gguf" },
        { name: "lab-large", file: "c.gguf" },
        { name: "lab-small", file: "d.gguf" },
      ]),
    );
    const names = "lab-v2-large, lab-v2-small, lab-large, lab-small";
    const empty = await refusal("");
    expect(empty.field).toBe("model");
    expect(empty.message).toBe(`model must be a lab model name (${names}) or a path to a .gguf file, got ""`);
    expect((await refusal("lab-huge")).message).toBe(
      `unknown model "lab-huge": expected one of ${names} or a path to a .gguf file`,
    );
  });

  it("list the built-in names after the card's, and alone without a card", async () => {
    expect((await refusal("  ")).message).toContain("(lab-small, lab-large)");
    await writeFile(
      path.join(directory, "models.json"),
      JSON.stringify([{ name: "lab-tiny", file: "t.gguf" }]),
    );
    expect((await refusal("lab-huge")).message).toContain(
      "expected one of lab-tiny, lab-small, lab-large or",
    );
  });

  it("name the shipped models, the default first", async () => {
    expect((await refusal("", {} as { directory: string })).message).toMatch(
      /^model must be a lab model name \(lab-v2-large, lab-v2-small, lab-large, lab-small\)/,
    );
  });
});
