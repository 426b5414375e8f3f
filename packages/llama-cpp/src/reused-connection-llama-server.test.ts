import path from "node:path";
import { createOpenAICompatibleBackend } from "mull";
import {
  type AssembledServer,
  assembleServer,
  createAddressPolicy,
  createGuardedFetch,
  parseServerConfig,
} from "mull/server";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labModelsDirectory } from "./lab-models.ts";
import { type LlamaServerProcess, llamaServerUnderTest, startLlamaServer } from "./test-llama-server.ts";

// llama.cpp's `llama-server` closes a kept-alive connection after every streamed response without saying
// so (no `Connection: close`): the next request on that pooled connection can meet it closed, unanswered.
// mull serve's guarded fetch sends such a request again on a fresh connection, and nothing counts it as a
// failure. Without a binary the file skips and says why, or fails where MULL_REQUIRE_LLAMA_SERVER=1.
const lookup = llamaServerUnderTest();
const modelPath = path.join(labModelsDirectory, "lab-v2-large.gguf");
const prompt = { kind: "text" as const, text: "Q: 30+444+273=? A:" };

/** Rounds of a streamed call and the call after it, at most: each meets the closed connection about half the time. */
const maximumRounds = 20;

describe.skipIf(lookup.binary === undefined)(
  `kept-alive connections against llama.cpp's llama-server${lookup.missing === undefined ? "" : ` (skipped: ${lookup.missing})`}`,
  () => {
    let server: LlamaServerProcess;

    beforeAll(async () => {
      server = await startLlamaServer({
        binary: lookup.binary as string,
        model: modelPath,
        alias: "lab-v2-large",
      });
    }, 90_000);

    afterAll(async () => {
      await server?.stop();
    });

    it("sends a call that met the connection closed after a stream again, without a retry", async () => {
      const guarded = createGuardedFetch({ policy: createAddressPolicy(["127.0.0.1/32"]) });
      const failures: unknown[] = [];
      const watched: typeof fetch = async (input, init) => {
        try {
          return await guarded.fetch(input, init);
        } catch (error) {
          failures.push(error);
          throw error;
        }
      };
      // No retries: a request lost on the closed connection would fail its call.
      const backend = createOpenAICompatibleBackend({
        baseUrl: server.baseUrl,
        model: "lab-v2-large",
        tokenizer: "none",
        maxRetries: 0,
        fetch: watched,
      });
      try {
        for (let round = 0; round < maximumRounds && guarded.resent() === 0; round += 1) {
          const streamed = await backend.generate({ prompt, maxTokens: 4, temperature: 0 });
          const next = await backend.generate({ prompt, maxTokens: 4, temperature: 0 });
          expect(next.completions[0]?.text).toBe(streamed.completions[0]?.text);
        }
        // The closed connection was met, and the request sent again, without a failure seen above it.
        expect(guarded.resent()).toBeGreaterThan(0);
        expect(failures).toEqual([]);
      } finally {
        await backend.dispose();
        guarded.close();
      }
    }, 120_000);

    it("records no upstream failure in /metrics under mull serve in front of it", async () => {
      const key = "sk-reused";
      const assembled: AssembledServer = await assembleServer(
        parseServerConfig({
          server: { logLevel: "silent" },
          upstreams: [
            {
              name: "llama",
              baseUrl: server.baseUrl,
              models: ["lab-v2-large"],
              allowedNetworks: ["127.0.0.1/32"],
              maxRetries: 0,
            },
          ],
        }),
        { apiKeys: [key], logger: pino({ level: "silent" }) },
      );
      try {
        for (let round = 0; round < 8; round += 1) {
          for (const stream of [true, false]) {
            const response = await assembled.server.app.request("/v1/completions", {
              method: "POST",
              headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
              // Another question each time: a prompt is counted once, and each call here is to count its own.
              body: JSON.stringify({
                model: "lab-v2-large",
                prompt: `Q: ${30 + round * 2 + (stream ? 1 : 0)}+444+273=? A:`,
                max_tokens: 4,
                stream,
              }),
            });
            expect(response.status).toBe(200);
            await response.text();
          }
        }
        const metrics = await assembled.server.metrics.registry.metrics();
        expect(metrics).toMatch(/mull_upstream_requests_total\{upstream="llama",outcome="200"\} \d+/);
        // Each call counts its prompt first (POST /tokenize), the request that follows the stream before it:
        // it meets the closed connection about half the time, which would count as a network error.
        expect(metrics).toMatch(
          /mull_upstream_tokenizer_requests_total\{upstream="llama",outcome="200"\} 16/,
        );
        expect(metrics).not.toMatch(
          /mull_upstream_(tokenizer_)?requests_total\{[^}]*outcome="network-error"/,
        );
      } finally {
        await assembled.dispose();
      }
    }, 120_000);
  },
);
