import { existsSync } from "node:fs";
import path from "node:path";
import type { TokenLogprob } from "mull";
import { labDataset, labPromptTemplate } from "mull/lab";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLlamaCppBackend, type LlamaCppBackend } from "./create-llama-cpp-backend.ts";
import { labModelsDirectory } from "./lab-models.ts";

const modelFile = path.join(labModelsDirectory, "lab-large.gguf");
const hasModel = existsSync(modelFile);
if (!hasModel) process.stderr.write(`token ids lab test skipped: no lab model at ${modelFile}\n`);

/** Every alternative's id, checking that each position lists distinct integer ids. */
function alternativeIds(tokens: readonly TokenLogprob[], width: number): Map<number, string> {
  const textOfId = new Map<number, string>();
  for (const [position, token] of tokens.entries()) {
    const top = token.topLogprobs ?? [];
    expect(top, `position ${position}`).toHaveLength(width);
    const ids = top.map((entry) => entry.id);
    for (const id of ids) expect(Number.isSafeInteger(id) && (id ?? -1) >= 0, `id ${id}`).toBe(true);
    expect(new Set(ids).size, `position ${position}`).toBe(width);
    for (const entry of top) {
      const id = entry.id as number;
      // An id always decodes to the same text.
      expect(textOfId.get(id) ?? entry.token, `id ${id}`).toBe(entry.token);
      textOfId.set(id, entry.token);
    }
  }
  return textOfId;
}

describe.skipIf(!hasModel)("token ids of the embedded lab-large's alternatives", () => {
  let backend: LlamaCppBackend;
  beforeAll(async () => {
    backend = await createLlamaCppBackend({ model: "lab-large", threads: 1 });
  });
  afterAll(async () => {
    await backend?.dispose();
  });

  it("gives every alternative its id, telling apart the byte tokens that all decode to U+FFFD", async () => {
    const prompt = labPromptTemplate(labDataset("lab:hard", { limit: 1, seed: 7 })[0]!);
    const generated = await backend.generate({ prompt, temperature: 0, maxTokens: 16, topLogprobs: 20 });
    const completion = generated.completions[0];
    const generatedIds = alternativeIds(completion?.tokens ?? [], 20);
    const scored = await backend.score({ prompt, continuation: completion?.text ?? "", topLogprobs: 20 });
    const scoredIds = alternativeIds(scored.tokens, 20);
    expect(scored.tokens.length).toBeGreaterThan(0);
    // Generating and scoring name each token by the same id.
    for (const [id, text] of scoredIds) {
      if (generatedIds.has(id)) expect(generatedIds.get(id), `id ${id}`).toBe(text);
    }
    // The top 20 of lab-large reach its byte tokens: several ids spelled alike, which only ids tell apart.
    const byteIds = [...scoredIds].filter(([, text]) => text === "\uFFFD").map(([id]) => id);
    expect(byteIds.length).toBeGreaterThan(1);
  }, 120_000);
});
