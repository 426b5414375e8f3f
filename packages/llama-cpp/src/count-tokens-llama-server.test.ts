import path from "node:path";
import { createOpenAICompatibleBackend, type OpenAICompatibleBackend, solve } from "mull";
import { labProfile } from "mull/lab";
import { type AssembledServer, assembleServer, parseServerConfig } from "mull/server";
import type { Prompt } from "mull/spec";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labModelsDirectory } from "./lab-models.ts";
import { type LlamaServerProcess, llamaServerUnderTest, startLlamaServer } from "./test-llama-server.ts";

// The HTTP backend's exact prompt counts against llama.cpp's own `llama-server` (built from the llama.cpp
// node-llama-cpp binds), serving a lab model with its own chat template. Without a binary the file skips
// and says why, or fails where MULL_REQUIRE_LLAMA_SERVER=1 requires one.
const lookup = llamaServerUnderTest();
const modelPath = path.join(labModelsDirectory, "lab-v2-large.gguf");

// `Q: 539-467+192=? A:`: 19 characters, so 20 tokens to the lab tokenizer (a token per character and the
// beginning-of-sequence token), where four characters a token would estimate 5.
const problem = { question: "539-467+192=?" };
const prompts: Record<string, Prompt> = {
  text: { kind: "text", text: "Q: 30+444+273=? A:" },
  chat: {
    kind: "chat",
    messages: [
      { role: "system", content: "Answer with a number." },
      { role: "user", content: "Q: 30+444+273=? A:" },
    ],
  },
  "continued chat": {
    kind: "chat",
    messages: [
      { role: "user", content: "Q: 30+444+273=? A:" },
      { role: "assistant", content: "\n30+444=474\n" },
    ],
    continueFinalMessage: true,
  },
};

describe.skipIf(lookup.binary === undefined)(
  `prompt token counts over HTTP against llama.cpp's llama-server${lookup.missing === undefined ? "" : ` (skipped: ${lookup.missing})`}`,
  () => {
    let server: LlamaServerProcess;
    const backends: OpenAICompatibleBackend[] = [];
    const http = (tokenizer?: "none") => {
      const backend = createOpenAICompatibleBackend({
        baseUrl: server.baseUrl,
        model: "lab-v2-large",
        ...(tokenizer === undefined ? {} : { tokenizer }),
      });
      backends.push(backend);
      return backend;
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
    )("counts a %s prompt as the server's usage reports it, template and BOS included", async (name) => {
      const prompt = prompts[name] as Prompt;
      const backend = http();
      const counted = await backend.countTokens?.(prompt);
      const result = await backend.generate({ prompt, maxTokens: 1, temperature: 0 });
      expect(counted).toBe(result.usage.promptTokens);
      const characters =
        prompt.kind === "text"
          ? prompt.text.length
          : prompt.messages.reduce((sum, m) => sum + m.content.length, 0);
      // More than the characters: the lab tokenizer takes a token a character, and the template and BOS add more.
      expect(counted).toBeGreaterThan(characters);
    });

    it("holds a token budget of sc@2 exactly, the first call included", async () => {
      const backend = http();
      expect(await backend.countTokens?.({ kind: "text", text: "Q: 539-467+192=? A:" })).toBe(20);
      for (const maxTotalTokens of [30, 60]) {
        for (const seed of [1, 2, 3]) {
          const result = await solve({
            problem,
            strategy: "sc@2",
            backend,
            profile: labProfile(),
            seed,
            budget: { maxTotalTokens },
          });
          const { promptTokens, completionTokens } = result.usage;
          expect(promptTokens).toBeGreaterThanOrEqual(20);
          expect(completionTokens).toBeGreaterThan(0);
          expect((promptTokens ?? 0) + (completionTokens ?? 0)).toBeLessThanOrEqual(maxTotalTokens);
        }
      }
    }, 120_000);

    it("overruns that budget on the first call where the prompt is estimated instead (tokenizer none)", async () => {
      const backend = http("none");
      expect(backend.countTokens).toBeUndefined();
      const totals: number[] = [];
      for (const seed of [1, 2, 3]) {
        const result = await solve({
          problem,
          strategy: "sc@2",
          backend,
          profile: labProfile(),
          seed,
          budget: { maxTotalTokens: 30 },
        });
        totals.push((result.usage.promptTokens ?? 0) + (result.usage.completionTokens ?? 0));
      }
      // Estimated at 5 tokens, the prompt's 20 leave the first call's 25 tokens 15 over: the count above is
      // what keeps the budget.
      expect(Math.max(...totals)).toBeGreaterThan(30);
    }, 120_000);

    it("holds a token budget of sc@2 exactly under mull serve in front of it, the first call included", async () => {
      const key = "sk-counted";
      const assembled: AssembledServer = await assembleServer(
        parseServerConfig({
          server: { logLevel: "silent" },
          upstreams: [
            {
              name: "llama",
              baseUrl: server.baseUrl,
              models: ["lab-v2-large"],
              allowedNetworks: ["127.0.0.1/32"],
            },
          ],
        }),
        { apiKeys: [key], logger: pino({ level: "silent" }) },
      );
      try {
        for (const seed of [1, 2, 3]) {
          const response = await assembled.server.app.request("/v1/chat/completions", {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
            body: JSON.stringify({
              model: "sc@2:lab-v2-large",
              messages: [{ role: "user", content: problem.question }],
              mull: { seed, budget: { max_total_tokens: 30 } },
            }),
          });
          const body = (await response.json()) as {
            usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
          };
          expect(response.status).toBe(200);
          expect(body.usage.prompt_tokens).toBeGreaterThanOrEqual(20);
          expect(body.usage.completion_tokens).toBeGreaterThan(0);
          expect(body.usage.total_tokens).toBeLessThanOrEqual(30);
        }
        const metrics = await assembled.server.metrics.registry.metrics();
        // The prompts were counted by the server's tokenizer, apart from the generation requests.
        expect(metrics).toMatch(
          /mull_upstream_tokenizer_requests_total\{upstream="llama",outcome="200"\} [1-9]/,
        );
      } finally {
        await assembled.dispose();
      }
    }, 120_000);
  },
);
