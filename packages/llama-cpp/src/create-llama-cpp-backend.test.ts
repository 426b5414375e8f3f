import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CapabilityError, ConfigError, DisposedError } from "mull/errors";
import type { Completion, GenerationRequest, GenerationResult, Prompt } from "mull/spec";
import { LlamaContextSequence } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completionSeed } from "./completion-seed.ts";
import { createLlamaCppBackend, type LlamaCppBackend } from "./create-llama-cpp-backend.ts";
import { testModelPath } from "./test-model-path.ts";

const modelPath = testModelPath();
const question: Prompt = { kind: "text", text: "Q: 30+444+273=? A:" };

let backend: LlamaCppBackend;
let unshared: LlamaCppBackend;
let scratch: string;

beforeAll(async () => {
  backend = await createLlamaCppBackend({ model: modelPath, threads: 1, sequences: 8 });
  unshared = await createLlamaCppBackend({
    model: modelPath,
    threads: 1,
    sequences: 8,
    prefixSharing: false,
  });
  scratch = await mkdtemp(path.join(tmpdir(), "mull-llama-cpp-"));
});

afterAll(async () => {
  await backend?.dispose();
  await unshared?.dispose();
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
});

function texts(completions: readonly Completion[]): string[] {
  return completions.map((completion) => completion.text);
}

async function greedy(request: Partial<GenerationRequest> = {}): Promise<Completion> {
  const result = await backend.generate({ prompt: question, temperature: 0, ...request });
  const [completion] = result.completions;
  if (completion === undefined) throw new Error("no completion");
  return completion;
}

describe("createLlamaCppBackend: identity", () => {
  it("describes itself with the package version and the model file's hash", async () => {
    const description = backend.describe();
    const expected = createHash("sha256")
      .update(await readFile(modelPath))
      .digest("hex");
    expect(description.kind).toBe("llama-cpp");
    expect(description.model).toBe(path.basename(modelPath));
    expect(description.modelHash).toBe(`sha256:${expected}`);
    expect(description.versions?.["node-llama-cpp"]).toMatch(/^3\.\d+\.\d+/);
    // The release tag alone does not tell the build: the commit it was built from, as llama-server's
    // build_info (`b1-de3ff81`) shortens it.
    expect(description.versions?.["llama.cpp"]).toMatch(/\S/);
    expect(description.versions?.["llama.cpp commit"]).toMatch(/^[0-9a-f]{40}$/);
    // How it runs, for run manifests: one context of one thread.
    expect(description.contexts).toBe(1);
    expect(description.threads).toBe(1);
  });

  it("reports what it can do, chat only with a chat template", async () => {
    const capabilities = await backend.capabilities();
    expect(capabilities).toMatchObject({
      n: true,
      promptPerCompletion: true,
      logprobs: true,
      topLogprobs: true,
      score: true,
      grammar: true,
      completion: true,
      continuePrefix: true,
      seed: true,
      chat: false,
    });
    expect(capabilities.maxTopLogprobs).toBeGreaterThan(256);
    await expect(
      backend.generate({ prompt: { kind: "chat", messages: [{ role: "user", content: "2+2?" }] } }),
    ).rejects.toSatisfy((error) => CapabilityError.isInstance(error) && error.capability === "chat");
  });
});

describe("createLlamaCppBackend: sampling", () => {
  it("gives the same texts for the same seed and different texts for another", async () => {
    // A six-operation question at a high temperature: even a well-trained model varies between seeds.
    const hard: Prompt = { kind: "text", text: "Q: 812-99+7-300+45-1+600=? A:" };
    const request: GenerationRequest = { prompt: hard, n: 4, temperature: 1.5, seed: 11, maxTokens: 80 };
    const first = await backend.generate(request);
    const second = await backend.generate(request);
    const other = await backend.generate({ ...request, seed: 12 });
    expect(texts(second.completions)).toEqual(texts(first.completions));
    expect(texts(other.completions)).not.toEqual(texts(first.completions));
  });

  it("decodes greedily: deterministic, and every token is the most likely one", async () => {
    const first = await greedy({ topLogprobs: 1 });
    const second = await greedy();
    expect(second.text).toBe(first.text);
    expect(first.tokens?.length).toBeGreaterThan(0);
    for (const token of first.tokens ?? []) {
      expect(token.topLogprobs?.[0]?.token).toBe(token.token);
      expect(token.topLogprobs?.[0]?.logprob).toBeCloseTo(token.logprob, 6);
    }
  });

  it("returns n completions with their indices, finish reasons and exact token counts", async () => {
    const result = await backend.generate({ prompt: question, n: 8, temperature: 1, seed: 5, maxTokens: 48 });
    expect(result.completions.map((completion) => completion.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const completion of result.completions) {
      expect(["stop", "length"]).toContain(completion.finishReason);
      expect(completion.completionTokens).toBeGreaterThan(0);
      expect(completion.completionTokens).toBeLessThanOrEqual(48);
    }
    const sum = result.completions.reduce(
      (total, completion) => total + (completion.completionTokens ?? 0),
      0,
    );
    expect(result.usage.completionTokens).toBe(sum);
    expect(result.usage.calls).toBe(1);
    expect(result.model).toBe(path.basename(modelPath));
  });

  it("queues completions beyond the sequence count, each seeded by its index alone", async () => {
    const request: GenerationRequest = { prompt: question, n: 12, temperature: 1, seed: 21, maxTokens: 24 };
    const result = await backend.generate(request);
    expect(result.completions).toHaveLength(12);
    expect(result.usage.promptTokens).toBeGreaterThan(0);
    for (const index of [0, 9, 11]) {
      const alone = await backend.generate({ ...request, n: 1, seed: completionSeed(21, index) });
      expect(alone.completions[0]?.text).toBe(result.completions[index]?.text);
    }
  });

  it("stops before a stop string and leaves it out of the text", async () => {
    const full = await greedy({ maxTokens: 60 });
    const stop = full.text.slice(3, 5);
    const cut = full.text.indexOf(stop);
    expect(cut).toBeGreaterThan(0);
    const stopped = await greedy({ stop: [stop, "never-generated"], maxTokens: 60, logprobs: true });
    expect(stopped.finishReason).toBe("stop");
    expect(stopped.stopSequence).toBe(stop);
    expect(stopped.text).toBe(full.text.slice(0, cut));
    expect(stopped.tokens?.map((token) => token.token).join("")).toBe(stopped.text);
  });

  it("relays each completion's text piece by piece through onText, never past a stop string", async () => {
    const full = await greedy({ maxTokens: 60 });
    const pieces: string[] = [];
    const relayed = await backend.generate(
      { prompt: question, temperature: 0, maxTokens: 60 },
      { onText: (piece) => pieces.push(piece) },
    );
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join("")).toBe(full.text);
    expect(relayed.completions[0]?.text).toBe(full.text);

    const stop = full.text.slice(3, 5);
    const stoppedPieces: string[] = [];
    const stopped = await backend.generate(
      { prompt: question, temperature: 0, maxTokens: 60, stop: [stop] },
      { onText: (piece) => stoppedPieces.push(piece) },
    );
    expect(stoppedPieces.join("")).toBe(stopped.completions[0]?.text);
    expect(stoppedPieces.join("")).not.toContain(stop);

    // Several completions' pieces interleave, each under its completion's index.
    const several: string[] = ["", ""];
    const both = await backend.generate(
      { prompt: question, temperature: 1, n: 2, seed: 3, maxTokens: 20 },
      {
        onText: (piece, index) => {
          several[index] += piece;
        },
      },
    );
    expect(several).toEqual(both.completions.map((completion) => completion.text));
  });

  it("ends with length at maxTokens", async () => {
    const full = await greedy({ maxTokens: 60 });
    expect(full.stopSequence).toBeUndefined();
    const limited = await greedy({ maxTokens: 3 });
    expect(limited.finishReason).toBe("length");
    expect(limited.completionTokens).toBe(3);
    expect(full.text.startsWith(limited.text)).toBe(true);
  });

  it("follows a grammar", async () => {
    const grammar = 'root ::= "\\n" [1-9] [0-9] [0-9] "+" [1-9] "=" [0-9] [0-9] [0-9]';
    const result = await backend.generate({ prompt: question, n: 6, temperature: 1.5, seed: 3, grammar });
    for (const completion of result.completions) {
      expect(completion.text).toMatch(/^\n[1-9]\d\d\+[1-9]=\d\d\d$/);
      expect(completion.finishReason).toBe("stop");
    }
    await expect(backend.generate({ prompt: question, grammar: "root ::= [0-9" })).rejects.toSatisfy(
      (error) => ConfigError.isInstance(error) && error.field === "grammar",
    );
  });

  it("rejects bad requests with the field, the value and what was expected", async () => {
    const cases: [Partial<GenerationRequest>, string][] = [
      [{ n: 0 }, "n"],
      [{ temperature: -1 }, "temperature"],
      [{ topP: 0 }, "topP"],
      [{ topK: 1.5 }, "topK"],
      [{ stop: [""] }, "stop"],
      [{ maxTokens: 0 }, "maxTokens"],
      [{ topLogprobs: 100_000 }, "topLogprobs"],
      [{ prompt: { kind: "text", text: "9".repeat(5000) } }, "prompt"],
    ];
    for (const [change, field] of cases) {
      await expect(backend.generate({ prompt: question, ...change })).rejects.toSatisfy(
        (error) => ConfigError.isInstance(error) && error.field === field && error.message.includes(field),
      );
    }
  });
});

describe("createLlamaCppBackend: log-probabilities", () => {
  // Read while generating (temperature 1, no truncation) or by teacher forcing afterwards (a truncating sampler,
  // top-k 3 at temperature 0.7, which must not change the reported distribution).
  it.each([
    ["read while generating", { temperature: 1 }],
    ["teacher-forced", { temperature: 0.7, topK: 3 }],
  ] as const)("reports raw-distribution logprobs (%s): sorted alternatives, equal to score()", async (_, sampler) => {
    const result = await backend.generate({
      prompt: question,
      n: 3,
      seed: 9,
      maxTokens: 30,
      topLogprobs: 5,
      ...sampler,
    });
    for (const completion of result.completions) {
      const tokens = completion.tokens ?? [];
      expect(tokens.length).toBe(completion.completionTokens);
      expect(tokens.map((token) => token.token).join("")).toBe(completion.text);
      for (const token of tokens) {
        const alternatives = token.topLogprobs ?? [];
        expect(alternatives).toHaveLength(5);
        const logprobs = alternatives.map((alternative) => alternative.logprob);
        expect(logprobs).toEqual([...logprobs].sort((a, b) => b - a));
        expect(logprobs.every(Number.isFinite)).toBe(true);
        expect(logprobs.reduce((sum, logprob) => sum + Math.exp(logprob), 0)).toBeLessThanOrEqual(1 + 1e-6);
        expect(token.logprob).toBeLessThanOrEqual(0);
        const listed = alternatives.find((alternative) => alternative.token === token.token);
        if (listed !== undefined) expect(listed.logprob).toBeCloseTo(token.logprob, 6);
      }
      const scored = await backend.score({
        prompt: question,
        continuation: completion.text,
        topLogprobs: 5,
      });
      expect(scored.tokens).toHaveLength(tokens.length);
      scored.tokens.forEach((token, index) => {
        expect(token.token).toBe(tokens[index]?.token);
        expect(Math.abs(token.logprob - (tokens[index]?.logprob ?? Number.NaN))).toBeLessThan(1e-3);
      });
      const sum = tokens.reduce((total, token) => total + token.logprob, 0);
      expect(Math.abs(scored.logprob - sum)).toBeLessThan(1e-3);
    }
  });

  it("scores a continuation: the sum of per-token logprobs, and a likelier text scores higher", async () => {
    const likely = await greedy({ maxTokens: 12 });
    const scored = await backend.score({ prompt: question, continuation: likely.text });
    expect(scored.logprob).toBeCloseTo(
      scored.tokens.reduce((total, token) => total + token.logprob, 0),
      9,
    );
    expect(scored.usage.completionTokens).toBe(0);
    expect(scored.usage.promptTokens).toBeGreaterThan(scored.tokens.length);
    const unlikely = await backend.score({
      prompt: question,
      continuation: "zzzzzzzzzzzz".slice(0, likely.text.length),
    });
    expect(unlikely.logprob).toBeLessThan(scored.logprob);
    const empty = await backend.score({ prompt: question, continuation: "" });
    expect(empty.tokens).toEqual([]);
    expect(empty.logprob).toBe(0);
  });
  it("reports the end token's logprob of a completion that ended on it, as read at that text's end", async () => {
    // The same greedy text read while generating and by teacher forcing (top-k 1 sampling).
    const live = await greedy({ logprobs: true });
    const forced = (
      await backend.generate({ prompt: question, temperature: 1, topK: 1, seed: 1, logprobs: true })
    ).completions[0];
    expect(forced?.text).toBe(live.text);
    expect(live.finishReason).toBe("stop");
    expect(live.endLogprob).toBeLessThanOrEqual(0);
    expect(Math.abs((live.endLogprob ?? Number.NaN) - (forced?.endLogprob ?? Number.NaN))).toBeLessThan(1e-3);
    // Hot samples end where the model is less sure of ending; one such end, read again from a prompt
    // that holds the whole text (the end is then the one token generated, teacher-forced), is the same.
    // One sequence, so that no batching changes the logits' last bits and with them a hot sample's path.
    const alone = await createLlamaCppBackend({ model: modelPath, threads: 1, sequences: 1 });
    const hot = await alone
      .generate({ prompt: question, n: 16, temperature: 2, seed: 3, logprobs: true, maxTokens: 80 })
      .finally(() => alone.dispose());
    const unsure = hot.completions.find((completion) => (completion.endLogprob ?? 0) < -0.01);
    expect(unsure).toBeDefined();
    const reread = await backend.generate({
      prompt: { kind: "text", text: `${question.kind === "text" ? question.text : ""}${unsure?.text}` },
      temperature: 1,
      topK: 1,
      seed: 1,
      maxTokens: 1,
      logprobs: true,
    });
    expect(reread.completions[0]?.text).toBe("");
    // Undoing temperature 2 from the sampler's float probabilities costs a little precision.
    expect(
      Math.abs((reread.completions[0]?.endLogprob ?? Number.NaN) - (unsure?.endLogprob ?? 0)),
    ).toBeLessThan(5e-3);
    // No end token, no end logprob: a length limit, or a stop string.
    const cut = await greedy({ logprobs: true, maxTokens: 3 });
    expect(cut.finishReason).toBe("length");
    expect(cut.endLogprob).toBeUndefined();
    const stopped = await greedy({ logprobs: true, stop: ["+"] });
    expect(stopped.stopSequence).toBe("+");
    expect(stopped.endLogprob).toBeUndefined();
  });
});

describe("createLlamaCppBackend: prefix sharing", () => {
  const evaluated = (result: GenerationResult) =>
    (result.usage.promptTokens ?? 0) - (result.usage.cachedPromptTokens ?? 0);

  it("gives the same completions with and without a shared prefix, evaluating the prefix once", async () => {
    const prompt: Prompt = {
      kind: "text",
      text: "Example Q: 123+456=? A:\n123+456=579\n#### 579\nQ: 812-99+7=? A:",
    };
    const request: GenerationRequest = { prompt, n: 8, temperature: 1, seed: 31, maxTokens: 40 };
    const shared = await backend.generate(request);
    const separate = await unshared.generate(request);
    expect(texts(shared.completions)).toEqual(texts(separate.completions));
    // Each completion evaluates the prompt's last token itself; the prefix before it is evaluated once when
    // shared and once per sequence otherwise (a cached beginning-of-sequence token aside).
    const promptLength = (shared.usage.promptTokens ?? 0) / 8;
    expect(evaluated(shared)).toBeLessThanOrEqual(promptLength - 1 + 8);
    expect(evaluated(separate)).toBeGreaterThanOrEqual(8 * (promptLength - 1));
  });

  it("falls back to evaluating per sequence when node-llama-cpp cannot copy a prefix", async () => {
    const prototype = LlamaContextSequence.prototype as unknown as Record<string, unknown>;
    const original = prototype._copyStateFromOtherSequence;
    expect(typeof original).toBe("function");
    const prompt: Prompt = {
      kind: "text",
      text: "Given Q: 5+6+7=? A:\n5+6=11\n11+7=18\n#### 18\nQ: 300-200=? A:",
    };
    const request: GenerationRequest = { prompt, n: 8, temperature: 1, seed: 41, maxTokens: 40 };
    prototype._copyStateFromOtherSequence = undefined;
    let withoutCopy: GenerationResult;
    try {
      withoutCopy = await backend.generate(request);
    } finally {
      prototype._copyStateFromOtherSequence = original;
    }
    const separate = await unshared.generate(request);
    expect(texts(withoutCopy.completions)).toEqual(texts(separate.completions));
    const promptLength = (withoutCopy.usage.promptTokens ?? 0) / 8;
    expect(evaluated(withoutCopy)).toBeGreaterThanOrEqual(8 * (promptLength - 1));
  });
});

describe("createLlamaCppBackend: abort and dispose", () => {
  it("rejects at once on an aborted signal, and returns partial completions on an abort mid-way", async () => {
    await expect(
      backend.generate({ prompt: question }, { signal: AbortSignal.abort(new Error("stop now")) }),
    ).rejects.toThrow("stop now");
    // Digits forever (the grammar never completes, so no end-of-sequence): only the context or the abort ends it.
    const endless = { prompt: question, n: 8, temperature: 1, seed: 1, grammar: "root ::= [0-9] root" };
    const full = await backend.generate({ ...endless, n: 1 });
    expect(full.completions[0]?.finishReason).toBe("length");
    const fullLength = full.completions[0]?.completionTokens ?? 0;
    const controller = new AbortController();
    const pending = backend.generate(endless, { signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    const aborted = await pending;
    expect(aborted.completions).toHaveLength(8);
    for (const completion of aborted.completions) {
      expect(completion.finishReason).toBe("abort");
      expect(completion.completionTokens ?? 0).toBeLessThan(fullLength);
      expect(completion.text).toMatch(/^\d*$/);
    }
    // Every sequence went back to the pool: eight more completions run at once.
    const after = await backend.generate({ prompt: question, n: 8, temperature: 1, seed: 2, maxTokens: 8 });
    expect(after.completions.every((completion) => completion.finishReason !== "abort")).toBe(true);
    await expect(
      backend.score({ prompt: question, continuation: "\n1" }, { signal: AbortSignal.abort() }),
    ).rejects.toSatisfy((error) => (error as Error).name === "AbortError");
  });

  it("throws DisposedError after dispose, and disposing twice is harmless", async () => {
    const short = await createLlamaCppBackend({ model: modelPath, sequences: 2 });
    await short.generate({ prompt: question, maxTokens: 2 });
    await short.dispose();
    await short.dispose();
    await expect(short.generate({ prompt: question })).rejects.toBeInstanceOf(DisposedError);
    await expect(short.score({ prompt: question, continuation: "1" })).rejects.toBeInstanceOf(DisposedError);
    await expect(short.capabilities()).rejects.toBeInstanceOf(DisposedError);
    expect(short.describe().kind).toBe("llama-cpp");
  });
});

describe("createLlamaCppBackend: model files", () => {
  const configError = (fragment: string) => (error: unknown) =>
    ConfigError.isInstance(error) && error.field === "model" && error.message.includes(fragment);

  it("names a missing file", async () => {
    const missing = path.join(scratch, "missing.gguf");
    await expect(createLlamaCppBackend({ model: missing })).rejects.toSatisfy(configError(missing));
  });

  it("names a truncated copy", async () => {
    const truncated = path.join(scratch, "truncated.gguf");
    const bytes = await readFile(modelPath);
    await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(createLlamaCppBackend({ model: truncated })).rejects.toSatisfy(configError(truncated));
  });

  it("names a text file renamed .gguf", async () => {
    const text = path.join(scratch, "notes.gguf");
    await writeFile(text, "these are notes, not weights\n");
    await expect(createLlamaCppBackend({ model: text })).rejects.toSatisfy(configError("not a GGUF file"));
  });

  it("lists the valid names for an unknown model name", async () => {
    await expect(createLlamaCppBackend({ model: "lab-medium" })).rejects.toSatisfy(configError("lab-small"));
  });

  it("rejects bad options naming the field", async () => {
    await expect(createLlamaCppBackend({ model: modelPath, threads: 0 })).rejects.toSatisfy(
      (error) => ConfigError.isInstance(error) && error.field === "threads",
    );
    await expect(createLlamaCppBackend({ model: modelPath, sequences: 1.5 })).rejects.toSatisfy(
      (error) => ConfigError.isInstance(error) && error.field === "sequences",
    );
  });
});
