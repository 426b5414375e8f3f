import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createLlamaCppBackend } from "./create-llama-cpp-backend.ts";
import { labModelsDirectory } from "./lab-models.ts";

interface CardEntry {
  readonly name: string;
  readonly parameters: number;
  readonly contextLength: number;
  readonly architecture: {
    readonly type: string;
    readonly embedding: number;
    readonly layers: number;
    readonly heads: number;
    readonly feedForward: number;
    readonly vocabulary: number;
  };
}

const card = JSON.parse(await readFile(path.join(labModelsDirectory, "models.json"), "utf8")) as CardEntry[];

describe("modelArchitecture", () => {
  it.each(
    card.map((entry) => [entry.name, entry] as const),
  )("reads %s's shape from its GGUF file as the model card states it", async (name, entry) => {
    await using backend = await createLlamaCppBackend({ model: name, threads: 1, sequences: 1 });
    const architecture = backend.describe().architecture;
    expect(architecture).toEqual({
      type: entry.architecture.type,
      parameters: entry.parameters,
      layers: entry.architecture.layers,
      embedding: entry.architecture.embedding,
      heads: entry.architecture.heads,
      keyValueHeads: entry.architecture.heads,
      feedForward: entry.architecture.feedForward,
      vocabulary: entry.architecture.vocabulary,
      contextLength: entry.contextLength,
      weightBytes: expect.any(Number),
    });
    // f16 matrices (two bytes a parameter) and a few f32 norm vectors.
    expect(architecture?.weightBytes).toBeGreaterThan(2 * entry.parameters);
    expect(architecture?.weightBytes).toBeLessThan(2.05 * entry.parameters);
  });
});
