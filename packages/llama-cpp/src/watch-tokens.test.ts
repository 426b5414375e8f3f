import { ConfigError } from "mull/errors";
import type { Prompt, TokenLogprob } from "mull/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLlamaCppBackend, type LlamaCppBackend } from "./create-llama-cpp-backend.ts";
import { testModelPath } from "./test-model-path.ts";

const question: Prompt = { kind: "text", text: "Q: 30+444+273=? A:" };
let backend: LlamaCppBackend;

beforeAll(async () => {
  backend = await createLlamaCppBackend({ model: testModelPath(), threads: 1, sequences: 4 });
});

afterAll(async () => {
  await backend?.dispose();
});

describe("createLlamaCppBackend: token watchers", () => {
  it("cuts a completion where its watcher says stop, counting exactly the tokens generated", async () => {
    expect((await backend.capabilities()).watchTokens).toBe(true);
    const heard = new Map<number, TokenLogprob[]>();
    const result = await backend.generate(
      { prompt: question, n: 3, temperature: 0.8, topK: 0, topP: 1, seed: 5, topLogprobs: 4 },
      {
        watch: (index, token) => {
          const tokens = heard.get(index) ?? [];
          tokens.push(token);
          heard.set(index, tokens);
          return tokens.length >= 5 ? "stop" : "continue";
        },
      },
    );
    expect(result.completions).toHaveLength(3);
    for (const completion of result.completions) {
      expect(completion.finishReason).toBe("cut");
      expect(completion.completionTokens).toBe(5);
      expect(completion.tokens).toHaveLength(5);
      expect(completion.tokens?.map((token) => token.token).join("")).toBe(completion.text);
      // The watcher heard the very tokens the completion reports.
      expect(heard.get(completion.index)).toEqual(completion.tokens);
    }
    expect(result.usage.completionTokens).toBe(15);
  });

  it("leaves completions alone while the watcher says continue", async () => {
    const request = { prompt: question, n: 2, temperature: 0.8, topK: 0, seed: 8, logprobs: true };
    let calls = 0;
    const watched = await backend.generate(request, {
      watch: () => {
        calls += 1;
        return "continue";
      },
    });
    const plain = await backend.generate(request);
    expect(watched.completions.map((completion) => completion.text)).toEqual(
      plain.completions.map((completion) => completion.text),
    );
    expect(watched.completions.every((completion) => completion.finishReason === "stop")).toBe(true);
    expect(calls).toBe(watched.usage.completionTokens);
  });

  // Sampled tokens and the likely alternatives (log p ≥ −4) match teacher forcing to 1e-4. Tails differ by up to
  // ~1e-2, as much at temperature 1, where nothing is rescaled: a batched forward pass rounds differently from
  // one token at a time, and the tails' logits show it (the rescaling itself is exact: read-distribution.test.ts).
  it("reads raw logprobs live under a pure temperature, equal to teacher-forced ones", async () => {
    const result = await backend.generate({
      prompt: question,
      n: 3,
      temperature: 0.8,
      topK: 0,
      topP: 1,
      minP: 0,
      seed: 21,
      topLogprobs: 5,
    });
    let compared = 0;
    for (const completion of result.completions) {
      const tokens = completion.tokens ?? [];
      expect(tokens.length).toBeGreaterThan(5);
      const scored = await backend.score({ prompt: question, continuation: completion.text, topLogprobs: 5 });
      expect(scored.tokens).toHaveLength(tokens.length);
      scored.tokens.forEach((forced, position) => {
        const live = tokens[position]!;
        expect(live.token).toBe(forced.token);
        expect(Math.abs(live.logprob - forced.logprob)).toBeLessThan(1e-4);
        (forced.topLogprobs ?? []).forEach((alternative, rank) => {
          if (alternative.logprob < -4) return;
          compared += 1;
          expect(live.topLogprobs?.[rank]?.token).toBe(alternative.token);
          expect(Math.abs((live.topLogprobs?.[rank]?.logprob ?? 0) - alternative.logprob)).toBeLessThan(1e-4);
        });
      });
    }
    expect(compared).toBeGreaterThan(30);
  });

  it("hands the watcher the whole distribution's entropy under greedy decoding, as teacher forcing gives it", async () => {
    const heard: TokenLogprob[] = [];
    const result = await backend.generate(
      { prompt: question, temperature: 0, topLogprobs: 1, maxTokens: 12 },
      {
        watch: (_index, token) => {
          heard.push(token);
          return "continue";
        },
      },
    );
    expect(heard.length).toBe(result.completions[0]?.completionTokens);
    const vocabulary = (await backend.capabilities()).maxTopLogprobs ?? 0;
    const text = result.completions[0]?.text ?? "";
    const scored = await backend.score({ prompt: question, continuation: text, topLogprobs: vocabulary });
    scored.tokens.forEach((forced, position) => {
      const alternatives = forced.topLogprobs ?? [];
      expect(alternatives).toHaveLength(vocabulary);
      const entropy = -alternatives.reduce((sum, top) => sum + Math.exp(top.logprob) * top.logprob, 0);
      expect(heard[position]?.entropy).toBeGreaterThanOrEqual(0);
      expect(Math.abs((heard[position]?.entropy ?? -1) - entropy)).toBeLessThan(1e-3);
    });
  });

  it("refuses a watcher when the sampler keeps logprobs from being read live, naming the setting", async () => {
    for (const [change, field] of [
      [{ topP: 0.9 }, "topP"],
      [{ topK: 3 }, "topK"],
      [{ minP: 0.05 }, "minP"],
    ] as const) {
      await expect(
        backend.generate(
          { prompt: question, temperature: 0.8, topLogprobs: 5, ...change },
          { watch: () => "continue" },
        ),
      ).rejects.toSatisfy(
        (error) =>
          ConfigError.isInstance(error) && error.field === field && error.message.includes("watcher"),
      );
    }
  });
});
