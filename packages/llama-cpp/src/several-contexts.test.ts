import { ConfigError } from "mull/errors";
import type { CallOptions, GenerationRequest, Prompt } from "mull/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLlamaCppBackend, type LlamaCppBackend } from "./create-llama-cpp-backend.ts";
import { testModelPath } from "./test-model-path.ts";

const modelPath = testModelPath();
const first: Prompt = { kind: "text", text: "Q: 812-99+7-300+45-1+600=? A:" };
const second: Prompt = { kind: "text", text: "Q: 30+444+273=? A:" };
const watchedTokens = 8;

let one: LlamaCppBackend;
let two: LlamaCppBackend;

beforeAll(async () => {
  // One sequence per context: a call holds its context's only sequence until it ends.
  one = await createLlamaCppBackend({ model: modelPath, threads: 1, sequences: 1 });
  two = await createLlamaCppBackend({ model: modelPath, threads: 1, sequences: 1, contexts: 2 });
});

afterAll(async () => {
  await one?.dispose();
  await two?.dispose();
});

/** Two calls started together, each cut after a few tokens; returns their texts and the order tokens came in. */
async function runTogether(backend: LlamaCppBackend): Promise<{ texts: string[]; order: string[] }> {
  const order: string[] = [];
  const watching = (name: string): CallOptions => {
    let heard = 0;
    return {
      watch: () => {
        order.push(name);
        heard += 1;
        return heard >= watchedTokens ? "stop" : "continue";
      },
    };
  };
  const request = (prompt: Prompt): GenerationRequest => ({ prompt, temperature: 1, seed: 3, maxTokens: 40 });
  const results = await Promise.all([
    backend.generate(request(first), watching("a")),
    backend.generate(request(second), watching("b")),
  ]);
  return { texts: results.map((result) => result.completions[0]?.text ?? ""), order };
}

describe("createLlamaCppBackend: several contexts", () => {
  it("reports its contexts and defaults to one", () => {
    expect(one.settings.contexts).toBe(1);
    expect(two.settings.contexts).toBe(2);
  });

  it("runs concurrent calls side by side in different contexts, with the texts a single context gives", async () => {
    const serial = await runTogether(one);
    // One context of one sequence: the second call waits for the first to end.
    expect(serial.order.join("")).toBe("a".repeat(watchedTokens) + "b".repeat(watchedTokens));
    // Two contexts: the second call's tokens come before the first call has all of its own. On a loaded
    // machine one pair may still run one after the other; one context never interleaves in any of them.
    const interleaved = (run: { order: string[] }) => run.order.indexOf("b") < run.order.lastIndexOf("a");
    let parallel = await runTogether(two);
    for (let attempt = 1; attempt < 3 && !interleaved(parallel); attempt += 1)
      parallel = await runTogether(two);
    expect(parallel.order.indexOf("b")).toBeLessThan(parallel.order.lastIndexOf("a"));
    // Each completion is seeded alone and decoded alone in its context: the same texts bit for bit.
    expect(parallel.texts).toEqual(serial.texts);
    expect(parallel.texts[0]).not.toBe("");
  });

  it("scores in the free context while the other is busy, as a single context scores", async () => {
    const request = { prompt: second, continuation: " 747" };
    let scoring: Promise<{ logprob: number }> | undefined;
    let scored = false;
    const busy = await two.generate(
      { prompt: first, temperature: 0, maxTokens: 200 },
      {
        watch: () => {
          scoring ??= two.score(request).then((result) => {
            scored = true;
            return result;
          });
          return scored ? "stop" : "continue";
        },
      },
    );
    // The generation was cut once the score was in: the score did not wait for the busy context.
    expect(busy.completions[0]?.finishReason).toBe("cut");
    const alone = await one.score(request);
    expect((await scoring)?.logprob).toBeCloseTo(alone.logprob, 6);
  });

  it("refuses contexts with speculative decoding, and more threads in all than node-llama-cpp allows", async () => {
    await expect(
      createLlamaCppBackend({ model: modelPath, contexts: 2, speculative: { kind: "prompt-lookup" } }),
    ).rejects.toSatisfy(
      (error) =>
        ConfigError.isInstance(error) &&
        error.field === "contexts" &&
        error.message === "createLlamaCppBackend: contexts must be 1 with speculative decoding, got 2",
    );
    await expect(createLlamaCppBackend({ model: modelPath, contexts: 64, threads: 256 })).rejects.toSatisfy(
      (error) =>
        ConfigError.isInstance(error) &&
        error.field === "contexts" &&
        /^createLlamaCppBackend: contexts × threads must be at most \d+ .*, got 64 × 256$/.test(
          error.message,
        ),
    );
  });
});
