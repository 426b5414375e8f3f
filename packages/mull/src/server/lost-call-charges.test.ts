import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../runtime/index.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import { type AssembledServer, assembleServer } from "./assemble-server.ts";
import { parseServerConfig } from "./config/index.ts";
import { recordingServingState } from "./key-budget-probes.test-support.ts";

// A strategy that goes on after every sample of one of its calls was lost (their streams broke part-way)
// answers from the samples of its earlier calls, and is charged what the lost samples generated too: the
// response's usage, its key's charge and `/metrics` all count every token the upstream generated.

const key = "sk-lost-call";
const promptTokens = 7;
const words = (count: number) => Array.from({ length: count }, (_, index) => `w${index}`).join(" ");
const cutAfter = 30;
let fake: FakeOpenAIServer;
let assembled: AssembledServer;
/** Each reservation against the key's budget, and what it was settled with. */
const recorded = recordingServingState();
const reservations = recorded.reservations;
/** The strategy's upstream calls so far, by the question asked. */
const callsByQuestion = new Map<string, number>();
/** The tokens the fake upstream generated and read for the strategy's calls. */
const generated = { prompt: 0, completion: 0 };

beforeAll(async () => {
  fake = await startFakeOpenAIServer({
    handler: (request) => {
      if (!request.prompt.includes("Question")) return { choices: ["ok"] }; // probes
      const call = (callsByQuestion.get(request.prompt) ?? 0) + 1;
      callsByQuestion.set(request.prompt, call);
      generated.prompt += promptTokens;
      // The first window's two samples disagree; the second window's streams break after 30 tokens, with
      // the usage so far on each token chunk (vLLM's continuous usage).
      if (call <= 2) {
        generated.completion += 22;
        return {
          choices: [`${words(20)} #### ${call === 1 ? 7 : 8}`],
          usage: { promptTokens, completionTokens: 22 },
        };
      }
      generated.completion += cutAfter;
      return {
        choices: [`${words(60)} #### 7`],
        usage: { promptTokens },
        delivery: { cutAfterTokens: cutAfter, continuousUsage: true },
      };
    },
  });
  const config = parseServerConfig({
    limits: { keyTokensPerMinute: 1_000_000 },
    upstreams: [
      {
        name: "breaking",
        baseUrl: fake.url,
        models: ["break-model"],
        allowedNetworks: ["127.0.0.1/32"],
        maxRetries: 0,
        scorer: "none",
        circuitBreaker: { failureThreshold: 100, cooldownMilliseconds: 10_000 },
      },
    ],
  });
  assembled = await assembleServer(config, {
    apiKeys: [key],
    logger: pino({ level: "silent" }),
    clock: manualClock(),
    state: recorded.state,
  });
});

afterAll(async () => {
  await assembled?.dispose();
  await fake?.close();
});

/** The break model's tokens in `/metrics`, by kind (0 when absent). */
async function counted(kind: "prompt" | "completion"): Promise<number> {
  const response = await assembled.server.app.request("/metrics", {
    headers: { authorization: `Bearer ${key}` },
  });
  const line = `mull_tokens_total{upstream="breaking",kind="${kind}",model="break-model"} `;
  const found = (await response.text()).split("\n").find((sample) => sample.startsWith(line));
  return found === undefined ? 0 : Number(found.slice(line.length));
}

/** The `usage` of a chat completion, whole or the last streamed chunk's. */
function usageOf(text: string, stream: boolean): Record<string, number> {
  if (!stream) return JSON.parse(text).usage;
  const chunks = text
    .split("\n\n")
    .filter((event) => event.startsWith("data: {"))
    .map((event) => JSON.parse(event.slice("data: ".length)));
  return chunks.findLast((chunk) => chunk.usage !== undefined && chunk.usage !== null)?.usage;
}

describe("esc@4w2 over an upstream whose second window's streams both break", () => {
  it.each([
    false,
    true,
  ])("charges the key, the response and /metrics every token generated (stream %s)", async (stream) => {
    const before = {
      prompt: await counted("prompt"),
      completion: await counted("completion"),
      generated: { ...generated },
      reservations: reservations.length,
    };
    const response = await assembled.server.app.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({
        model: "esc@4w2:break-model",
        messages: [
          { role: "user", content: `Question ${stream ? "streamed" : "whole"}: what is 6 times 7?` },
        ],
        max_tokens: 100,
        temperature: 0.7,
        stream,
        ...(stream ? { stream_options: { include_usage: true } } : {}),
      }),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    const made = {
      prompt: generated.prompt - before.generated.prompt,
      completion: generated.completion - before.generated.completion,
    };
    // Two whole samples and two broken ones, each reading the prompt.
    expect(made).toEqual({ prompt: 4 * promptTokens, completion: 2 * 22 + 2 * cutAfter });
    if (!stream) {
      const mull = JSON.parse(text).mull;
      expect(mull.stopped_by).toBe("samples-lost");
      expect(mull.samples).toEqual({ requested: 4, ok: 2, failed: 2 });
    }
    expect(usageOf(text, stream)).toEqual({
      prompt_tokens: made.prompt,
      completion_tokens: made.completion,
      total_tokens: made.prompt + made.completion,
    });
    expect(reservations).toHaveLength(before.reservations + 1);
    expect(reservations.at(-1)?.settled).toBe(made.prompt + made.completion);
    expect({
      prompt: (await counted("prompt")) - before.prompt,
      completion: (await counted("completion")) - before.completion,
    }).toEqual(made);
  });
});
