import path from "node:path";
import {
  BudgetExhaustedError,
  createOpenAICompatibleBackend,
  type OpenAICompatibleBackend,
  solve,
} from "mull";
import { labProfile } from "mull/lab";
import { type AssembledServer, assembleServer, parseServerConfig } from "mull/server";
import type { Prompt, Usage } from "mull/spec";
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

/** The tokens a solve spent: its usage, or what a BudgetExhaustedError says the run spent. */
async function spentBy(
  run: Promise<{ usage: Usage }>,
): Promise<{ promptTokens: number; completionTokens: number }> {
  let usage: Usage;
  try {
    usage = (await run).usage;
  } catch (error) {
    if (!BudgetExhaustedError.isInstance(error) || error.spent === undefined) throw error;
    usage = error.spent.usage;
  }
  return { promptTokens: usage.promptTokens ?? 0, completionTokens: usage.completionTokens ?? 0 };
}

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
          const run = { problem, strategy: "sc@2", backend, profile: labProfile(), seed };
          const spent = await spentBy(solve({ ...run, budget: { maxTotalTokens } }));
          expect(spent.promptTokens).toBeGreaterThanOrEqual(20);
          expect(spent.completionTokens).toBeGreaterThan(0);
          expect(spent.promptTokens + spent.completionTokens).toBeLessThanOrEqual(maxTotalTokens);
        }
      }
    }, 120_000);

    it("overruns that budget on the first call where the prompt is estimated instead (tokenizer none)", async () => {
      const backend = http("none");
      expect(backend.countTokens).toBeUndefined();
      const totals: number[] = [];
      for (const seed of [1, 2, 3]) {
        const run = { problem, strategy: "sc@2", backend, profile: labProfile(), seed };
        const spent = await spentBy(solve({ ...run, budget: { maxTotalTokens: 30 } }));
        totals.push(spent.promptTokens + spent.completionTokens);
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
          const body = (await response.json()) as { error?: { code?: string } };
          // The 10 tokens the counted prompt leaves hold no whole lab solution: every sample is cut by the
          // budget, so no sample votes (estimated at 5 prompt tokens, the first call would ask for 25 and
          // answer 200 with 45 tokens spent).
          expect(response.status).toBe(400);
          expect(body.error?.code).toBe("budget_exhausted");
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
