import path from "node:path";
import { createOpenAICompatibleBackend, type OpenAICompatibleBackend } from "mull";
import { labDataset, labPromptTemplate } from "mull/lab";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLlamaCppBackend, type LlamaCppBackend } from "./create-llama-cpp-backend.ts";
import { labModelsDirectory } from "./lab-models.ts";
import { type LlamaServerProcess, llamaServerUnderTest, startLlamaServer } from "./test-llama-server.ts";

// llama.cpp's server sends each alternative's token id; the embedded backend gives the same model's ids.
// Where their texts cannot name a token (the server sends "" for byte and control tokens, the embedded
// backend U+FFFD and `</s>`), the ids still do. Without a binary the tier skips and says why, as
// llama-server.test.ts does.
const lookup = llamaServerUnderTest();
const modelPath = path.join(labModelsDirectory, "lab-large.gguf");

describe.skipIf(lookup.binary === undefined)(
  `token ids from llama.cpp's llama-server${lookup.missing === undefined ? "" : ` (skipped: ${lookup.missing})`}`,
  () => {
    let server: LlamaServerProcess;
    let embedded: LlamaCppBackend;
    let served: OpenAICompatibleBackend;

    beforeAll(async () => {
      server = await startLlamaServer({
        binary: lookup.binary as string,
        model: modelPath,
        alias: "lab-large",
      });
      embedded = await createLlamaCppBackend({ model: modelPath, threads: 1 });
      served = createOpenAICompatibleBackend({
        baseUrl: server.baseUrl,
        model: "lab-large",
        endpoint: "completions",
      });
    }, 90_000);

    afterAll(async () => {
      await served?.dispose?.();
      await embedded?.dispose();
      await server?.stop();
    });

    it("names every alternative by the embedded backend's id, byte tokens spelled otherwise included", async () => {
      const prompt = labPromptTemplate(labDataset("lab:hard", { limit: 1, seed: 7 })[0]!);
      const request = { prompt, temperature: 0, maxTokens: 16, topLogprobs: 20, topK: 0, topP: 1, minP: 0 };
      const [remote, local] = await Promise.all([served.generate(request), embedded.generate(request)]);
      const remoteTokens = remote.completions[0]?.tokens ?? [];
      const localTokens = local.completions[0]?.tokens ?? [];
      expect(remoteTokens.map((token) => token.token)).toEqual(localTokens.map((token) => token.token));
      let spelledOtherwise = 0;
      for (const [position, token] of remoteTokens.entries()) {
        const localById = new Map((localTokens[position]?.topLogprobs ?? []).map((top) => [top.id, top]));
        const alternatives = token.topLogprobs ?? [];
        expect(alternatives).toHaveLength(20);
        let shared = 0;
        for (const top of alternatives) {
          expect(Number.isSafeInteger(top.id), `position ${position}: ${JSON.stringify(top)}`).toBe(true);
          const same = localById.get(top.id);
          if (same === undefined) continue;
          shared += 1;
          expect(Math.abs(same.logprob - top.logprob), `id ${top.id}`).toBeLessThan(0.02);
          if (same.token !== top.token) spelledOtherwise += 1;
        }
        // Near-tied tails may order their last few tokens otherwise; the rest are the same ids.
        expect(shared, `position ${position}`).toBeGreaterThanOrEqual(15);
      }
      // The server spells byte and control tokens "" where the embedded backend does not: ids pair them.
      expect(spelledOtherwise).toBeGreaterThan(0);
    }, 120_000);
  },
);
