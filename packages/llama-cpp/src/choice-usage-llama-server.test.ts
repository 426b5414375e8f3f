import path from "node:path";
import { createOpenAICompatibleBackend, type OpenAICompatibleBackend } from "mull";
import type { Backend, Prompt } from "mull/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labModelsDirectory } from "./lab-models.ts";
import { type LlamaServerProcess, llamaServerUnderTest, startLlamaServer } from "./test-llama-server.ts";

// The HTTP backend's usage of `n > 1` against llama.cpp's own `llama-server`: its whole (unstreamed)
// response for several choices reports one choice's completion tokens, so the backend must count every
// choice some other way, in every mode it sends requests in. Without a binary the file skips and says why,
// or fails where MULL_REQUIRE_LLAMA_SERVER=1 requires one.
const lookup = llamaServerUnderTest();
const modelPath = path.join(labModelsDirectory, "lab-v2-large.gguf");

const prompts: Record<string, Prompt> = {
  text: { kind: "text", text: "Q: 539-467+192=? A:" },
  chat: { kind: "chat", messages: [{ role: "user", content: "Q: 539-467+192=? A:" }] },
};
const n = 3;
const seed = 11;
const sampling = { maxTokens: 40, temperature: 1 };

/** What the server itself says one choice took: the request for it alone, at its seed (`seed + index`). */
interface SingleChoice {
  readonly text: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
}

describe.skipIf(lookup.binary === undefined)(
  `usage of n > 1 over HTTP against llama.cpp's llama-server${lookup.missing === undefined ? "" : ` (skipped: ${lookup.missing})`}`,
  () => {
    let server: LlamaServerProcess;
    const backends: OpenAICompatibleBackend[] = [];
    const http = (stream: boolean) => {
      const backend = createOpenAICompatibleBackend({
        baseUrl: server.baseUrl,
        model: "lab-v2-large",
        stream,
      });
      backends.push(backend);
      return backend;
    };
    /** Each choice as the server answers it asked alone, whole: its usage then counts it in full. */
    const singles = async (prompt: Prompt): Promise<SingleChoice[]> => {
      const single = http(false);
      return Promise.all(
        Array.from({ length: n }, async (_, index) => {
          const result = await single.generate({ prompt, ...sampling, seed: seed + index });
          return {
            text: result.completions[0]?.text ?? "",
            promptTokens: result.usage.promptTokens ?? Number.NaN,
            completionTokens: result.usage.completionTokens ?? Number.NaN,
          };
        }),
      );
    };

    beforeAll(async () => {
      server = await startLlamaServer({
        binary: lookup.binary as string,
        model: modelPath,
        alias: "lab-v2-large",
      });
    }, 90_000);

    afterAll(async () => {
      await Promise.all(backends.map((backend) => backend.dispose()));
      await server?.stop();
    });

    it.each(
      Object.keys(prompts),
    )("counts every choice of a %s call, streamed, whole or with stream: false", async (name) => {
      const prompt = prompts[name] as Prompt;
      const expected = await singles(prompt);
      const allTokens = expected.reduce((sum, choice) => sum + choice.completionTokens, 0);
      const promptTokens = expected[0]?.promptTokens;
      // The samples differ, so one choice's count would fall short of the sum.
      expect(new Set(expected.map((choice) => choice.completionTokens)).size).toBeGreaterThan(1);

      const streaming = http(true);
      const modes: [string, Backend, number | undefined][] = [
        // One request: the prompt evaluated, and charged, once.
        ["streamed", streaming, promptTokens],
        ["whole", streaming.unstreamed(), promptTokens],
        // One whole request per choice: each charges its prompt.
        ["stream: false", http(false), (promptTokens ?? Number.NaN) * n],
      ];
      for (const [mode, backend, prompted] of modes) {
        const result = await backend.generate({ prompt, n, ...sampling, seed });
        expect(
          result.completions.map((completion) => [completion.text, completion.completionTokens]),
          mode,
        ).toEqual(expected.map((choice) => [choice.text, choice.completionTokens]));
        expect(result.usage, mode).toMatchObject({ completionTokens: allTokens, promptTokens: prompted });
      }
    }, 120_000);
  },
);
