import { ConfigError } from "mull/errors";
import { labDataset, labPromptTemplate } from "mull/lab";
import type { Prompt } from "mull/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLlamaCppBackend, type LlamaCppBackend } from "./create-llama-cpp-backend.ts";

const prompts: Prompt[] = labDataset("lab:hard", { limit: 20, seed: 3 }).map((problem) =>
  labPromptTemplate(problem),
);

let plain: LlamaCppBackend;
let drafted: LlamaCppBackend;
let lookedUp: LlamaCppBackend;

beforeAll(async () => {
  plain = await createLlamaCppBackend({ model: "lab-large", threads: 1, sequences: 4 });
  drafted = await createLlamaCppBackend({
    model: "lab-large",
    threads: 1,
    sequences: 4,
    speculative: { kind: "draft", model: "lab-small" },
  });
  lookedUp = await createLlamaCppBackend({
    model: "lab-large",
    threads: 1,
    sequences: 4,
    speculative: { kind: "prompt-lookup" },
  });
});

afterAll(async () => {
  await plain?.dispose();
  await drafted?.dispose();
  await lookedUp?.dispose();
});

async function greedyTexts(backend: LlamaCppBackend): Promise<string[]> {
  const texts: string[] = [];
  for (const prompt of prompts) {
    const result = await backend.generate({ prompt, temperature: 0, maxTokens: 160 });
    texts.push(result.completions[0]?.text ?? "");
  }
  return texts;
}

describe("createLlamaCppBackend: speculative decoding", () => {
  it("decodes 20 lab:hard problems greedily to the plain backend's texts, with a draft model and by prompt lookup", async () => {
    const expected = await greedyTexts(plain);
    expect(expected.every((text) => text.includes("####"))).toBe(true);
    expect(await greedyTexts(drafted)).toEqual(expected);
    expect(await greedyTexts(lookedUp)).toEqual(expected);
  });

  it("counts the predicted tokens checked and accepted", async () => {
    for (const backend of [drafted, lookedUp]) {
      const before = backend.speculation();
      await backend.generate({ prompt: prompts[0]!, temperature: 0, maxTokens: 160 });
      const after = backend.speculation()!;
      expect(after.completions).toBe((before?.completions ?? 0) + 1);
      expect(after.checkedTokens).toBeGreaterThan(before?.checkedTokens ?? 0);
      expect(after.acceptedTokens).toBeGreaterThan(before?.acceptedTokens ?? 0);
      expect(after.acceptanceRate).toBeCloseTo(after.acceptedTokens / after.checkedTokens, 12);
    }
    expect(drafted.speculation()).toMatchObject({ kind: "draft", draftModel: "lab-small" });
    expect(lookedUp.speculation()?.kind).toBe("prompt-lookup");
    expect(plain.speculation()).toBeUndefined();
    expect(drafted.settings.speculative).toEqual({
      kind: "draft",
      model: "lab-small",
      tokens: 2,
      minConfidence: 0.6,
    });
  });

  it("gives greedy logprobs equal to the plain backend's", async () => {
    const request = { prompt: prompts[1]!, temperature: 0, maxTokens: 40, logprobs: true, topLogprobs: 2 };
    const expected = (await plain.generate(request)).completions[0]!.tokens!;
    for (const backend of [drafted, lookedUp]) {
      const tokens = (await backend.generate(request)).completions[0]!.tokens!;
      expect(tokens.map((token) => token.token)).toEqual(expected.map((token) => token.token));
      tokens.forEach((token, index) => {
        expect(token.logprob).toBeCloseTo(expected[index]!.logprob, 3);
      });
    }
  });

  it("keeps parallel greedy completions (prefix shared) and scores after them equal to the plain backend's", async () => {
    const request = { prompt: prompts[3]!, n: 4, temperature: 0, maxTokens: 160 };
    const expected = (await plain.generate(request)).completions.map((completion) => completion.text);
    const continuation = expected[0]!;
    const expectedScore = await plain.score({ prompt: prompts[3]!, continuation, topLogprobs: 1 });
    for (const backend of [drafted, lookedUp]) {
      const texts = (await backend.generate(request)).completions.map((completion) => completion.text);
      expect(texts).toEqual(expected);
      const scored = await backend.score({ prompt: prompts[3]!, continuation, topLogprobs: 1 });
      expect(scored.tokens.map((token) => token.token)).toEqual(
        expectedScore.tokens.map((token) => token.token),
      );
      expect(scored.logprob).toBeCloseTo(expectedScore.logprob, 3);
    }
  });

  it("leaves sampled requests as they were: the same texts for a seed, nothing checked", async () => {
    const request = { prompt: prompts[2]!, n: 4, temperature: 1, seed: 11, maxTokens: 160 };
    const expected = (await plain.generate(request)).completions.map((completion) => completion.text);
    expect(new Set(expected).size).toBeGreaterThan(1);
    for (const backend of [drafted, lookedUp]) {
      const before = backend.speculation();
      const texts = (await backend.generate(request)).completions.map((completion) => completion.text);
      expect(texts).toEqual(expected);
      expect(backend.speculation()).toEqual(before);
    }
  });

  it("refuses bad speculative options with a ConfigError naming the field", async () => {
    const attempt = (speculative: unknown) =>
      createLlamaCppBackend({ model: "lab-large", speculative: speculative as never });
    await expect(attempt({ kind: "draft", model: "lab-small", tokens: 0 })).rejects.toThrow(
      /createLlamaCppBackend: speculative\.tokens must be an integer from 1 to 64, got 0/,
    );
    await expect(attempt({ kind: "draft", model: "lab-small", minConfidence: 2 })).rejects.toThrow(
      /speculative\.minConfidence must be a number from 0 to 1, got 2/,
    );
    await expect(attempt({ kind: "lookahead" })).rejects.toThrow(
      /speculative.*kind must be "draft" or "prompt-lookup", got "lookahead"/,
    );
    await expect(attempt({ kind: "draft", model: "lab-tiny" })).rejects.toThrow(
      /draft model: unknown model "lab-tiny"/,
    );
    const error = await attempt({ kind: "draft", model: "/nowhere/draft.gguf" }).catch((caught) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).field).toBe("speculative.model");
  });
});

describe("createLlamaCppBackend: speculative decoding on the second lab family", () => {
  let secondPlain: LlamaCppBackend;
  let secondDrafted: LlamaCppBackend;

  beforeAll(async () => {
    secondPlain = await createLlamaCppBackend({ model: "lab-v2-large", threads: 1, sequences: 4 });
    secondDrafted = await createLlamaCppBackend({
      model: "lab-v2-large",
      threads: 1,
      sequences: 4,
      speculative: { kind: "draft", model: "lab-v2-small" },
    });
  });

  afterAll(async () => {
    await secondPlain?.dispose();
    await secondDrafted?.dispose();
  });

  it("decodes lab-v2-large greedily with lab-v2-small drafting to the plain texts, accepting some drafts", async () => {
    const sample = prompts.slice(0, 10);
    const texts = async (backend: LlamaCppBackend) => {
      const written: string[] = [];
      for (const prompt of sample) {
        const result = await backend.generate({ prompt, temperature: 0, maxTokens: 160 });
        written.push(result.completions[0]?.text ?? "");
      }
      return written;
    };
    const expected = await texts(secondPlain);
    expect(expected.every((text) => text.includes("####"))).toBe(true);
    expect(await texts(secondDrafted)).toEqual(expected);
    const speculation = secondDrafted.speculation();
    expect(speculation).toMatchObject({ kind: "draft", draftModel: "lab-v2-small", completions: 10 });
    expect(speculation?.acceptedTokens).toBeGreaterThan(0);
    expect(speculation?.acceptedTokens).toBeLessThanOrEqual(speculation?.checkedTokens ?? 0);
  }, 120_000);
});
