import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ConfigError } from "mull/errors";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { labModels } from "./lab-models.ts";
import { resolveModelPath } from "./resolve-model-path.ts";

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "mull-lab-models-"));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const card = [
  {
    name: "lab-small",
    file: "lab-small.gguf",
    parameters: 113_000,
    contextLength: 256,
    hardestLevel: 6,
    summary: "the small one",
    family: "v2",
    recommendedTemperature: 1,
    accuracy: [{ level: 1, greedy: 0.9 }],
  },
  { name: "lab-large", file: "lab-large.gguf", parameters: 400_000 },
];

describe("labModels", () => {
  it("is empty without models.json", async () => {
    expect(await labModels({ directory })).toEqual([]);
  });

  it("resolves each entry's file to an absolute path with its size", async () => {
    await writeFile(path.join(directory, "models.json"), JSON.stringify(card));
    await writeFile(path.join(directory, "lab-small.gguf"), Buffer.alloc(1234));
    const models = await labModels({ directory });
    expect(models.map((model) => model.name)).toEqual(["lab-small", "lab-large"]);
    expect(models[0]).toMatchObject({
      path: path.join(directory, "lab-small.gguf"),
      sizeBytes: 1234,
      parameters: 113_000,
      contextLength: 256,
      hardestLevel: 6,
      summary: "the small one",
      family: "v2",
      recommendedTemperature: 1,
      accuracy: [{ level: 1, greedy: 0.9 }],
    });
    expect(models[1]?.sizeBytes).toBeUndefined();
    expect(models[1]?.family).toBeUndefined();
    expect(path.isAbsolute(models[1]?.path ?? "")).toBe(true);
  });

  it("accepts { models: [...] } and names the entry and field of a malformed card", async () => {
    await writeFile(path.join(directory, "models.json"), JSON.stringify({ models: card }));
    expect(await labModels({ directory })).toHaveLength(2);
    await writeFile(
      path.join(directory, "models.json"),
      JSON.stringify([{ name: "x", file: "x.gguf", parameters: "many" }]),
    );
    await expect(labModels({ directory })).rejects.toSatisfy(
      (error) => ConfigError.isInstance(error) && error.field === "models.json[0].parameters",
    );
    await writeFile(path.join(directory, "models.json"), "{ not json");
    await expect(labModels({ directory })).rejects.toBeInstanceOf(ConfigError);
  });
});

describe("resolveModelPath", () => {
  it("maps lab names through models.json, and to the conventional file without it", async () => {
    expect(await resolveModelPath("lab-large", { directory })).toBe(path.join(directory, "lab-large.gguf"));
    await writeFile(
      path.join(directory, "models.json"),
      JSON.stringify([{ name: "lab-tiny", file: "weights/tiny-v2.gguf" }]),
    );
    expect(await resolveModelPath("lab-tiny", { directory })).toBe(
      path.join(directory, "weights/tiny-v2.gguf"),
    );
  });

  it("resolves paths against the working directory", async () => {
    expect(await resolveModelPath("models/x.gguf")).toBe(path.resolve("models/x.gguf"));
    expect(await resolveModelPath("/abs/y.gguf")).toBe("/abs/y.gguf");
  });

  it("lists the valid names for an unknown one", async () => {
    await writeFile(
      path.join(directory, "models.json"),
      JSON.stringify([{ name: "lab-tiny", file: "t.gguf" }]),
    );
    await expect(resolveModelPath("lab-medium", { directory })).rejects.toSatisfy(
      (error) =>
        ConfigError.isInstance(error) &&
        error.field === "model" &&
        ["lab-small", "lab-large", "lab-tiny", "lab-medium"].every((name) => error.message.includes(name)),
    );
    await expect(resolveModelPath("  ", { directory })).rejects.toBeInstanceOf(ConfigError);
  });
});
