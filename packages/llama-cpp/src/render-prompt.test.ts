import { solve } from "mull";
import { CapabilityError } from "mull/errors";
import { labPromptTemplate } from "mull/lab";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLlamaCppBackend, type LlamaCppBackend } from "./create-llama-cpp-backend.ts";

let backend: LlamaCppBackend;

beforeAll(async () => {
  backend = await createLlamaCppBackend({ model: "lab-small", threads: 1, sequences: 1 });
});

afterAll(async () => {
  await backend?.dispose();
});

describe("createPromptRenderer", () => {
  it("refuses a chat prompt on a model without a chat template, saying which prompt template to pass", async () => {
    const error = await solve({ problem: "12+7=?", strategy: "greedy", backend }).catch(
      (caught: unknown) => caught,
    );
    expect(CapabilityError.isInstance(error)).toBe(true);
    expect((error as CapabilityError).capability).toBe("chat");
    expect((error as Error).message).toBe(
      'a chat prompt needs the backend capability "chat", which the llama-cpp backend (model lab-small, no chat ' +
        "template) does not have; pass a prompt template that writes a text prompt: solve({ promptTemplate }), " +
        'for a lab model labPromptTemplate from "mull/lab"',
    );
  });

  it("renders the lab's text prompt, which needs no chat template", async () => {
    const result = await solve({
      problem: "12+7=?",
      strategy: "greedy",
      backend,
      promptTemplate: labPromptTemplate,
    });
    expect(result.candidates).toHaveLength(1);
    expect(result.candidates[0]?.text).toMatch(/####/);
  });
});
