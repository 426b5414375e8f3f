import type { Prompt } from "mull/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLlamaCppBackend, type LlamaCppBackend } from "./create-llama-cpp-backend.ts";
import { testModelPath } from "./test-model-path.ts";

const question: Prompt = { kind: "text", text: "Q: 30+444+273=? A:" };

let backend: LlamaCppBackend;

beforeAll(async () => {
  backend = await createLlamaCppBackend({ model: testModelPath(), threads: 1, sequences: 2 });
});

afterAll(async () => {
  await backend?.dispose();
});

describe("createLlamaCppBackend: a prompt's own stop strings", () => {
  it("stops before one, as before a request's, and says which", async () => {
    const full = (await backend.generate({ prompt: question, temperature: 0, maxTokens: 60 })).completions[0];
    const stop = full?.text.slice(3, 5) ?? "";
    const cut = full?.text.indexOf(stop) ?? -1;
    expect(cut).toBeGreaterThan(0);
    const result = await backend.generate({
      prompt: { ...question, stop: ["never-generated", stop] },
      temperature: 0,
      maxTokens: 60,
    });
    const stopped = result.completions[0];
    expect(stopped?.finishReason).toBe("stop");
    expect(stopped?.stopSequence).toBe(stop);
    expect(stopped?.text).toBe(full?.text.slice(0, cut));
  });
});
