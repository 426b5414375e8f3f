import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenAICompatibleBackend } from "../backends/openai-compatible/index.ts";
import { defaultModelProfile } from "../generation/index.ts";
import type { Backend, Prompt } from "../spec/index.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import { parseServerConfig } from "./config/index.ts";
import { createServer, type MullServer } from "./create-server.ts";
import { recordingServingState } from "./key-budget-probes.test-support.ts";
import type { ServedModel } from "./upstreams/index.ts";

// A strategy request served by an upstream (on loopback) that never reports its prompts' tokens: where the
// model's tokenizer counts the prompt, every sample's prompt is reported, charged and counted as counted,
// as a pass-through's is; where nothing counts it, it stays unknown (an estimate is not reported as a
// count) and the key is charged the estimate, as before.

const key = "sk-strategy-prompts";
const maxTokens = 32;
const question = "What is six times seven? Answer after ####.";
let fake: FakeOpenAIServer;
let server: MullServer;
let http: Backend;
const { state, reservations } = recordingServingState();

/** A token a word, as the fake counts the prompts it reports (the messages' contents, a line each). */
function words(text: string): number {
  return Math.max(1, (text.trim().match(/\s*\S+|\s+/g) ?? []).length);
}

function wordsOf(prompt: Prompt): number {
  return words(
    prompt.kind === "text" ? prompt.text : prompt.messages.map((message) => message.content).join("\n"),
  );
}

function served(name: string, backend: Backend): ServedModel {
  return {
    name,
    upstream: "silent",
    backend,
    kind: "openai-compatible",
    profile: defaultModelProfile,
    contextWindow: undefined,
    scorer: undefined,
  };
}

beforeAll(async () => {
  fake = await startFakeOpenAIServer({
    handler: (request) => {
      if (request.body?.max_tokens === 1) return { choices: ["ok"] }; // capability probe
      return { choices: ["#### 42"], usage: { promptTokens: null } };
    },
  });
  http = createOpenAICompatibleBackend({
    baseUrl: fake.url,
    model: "fake-model",
    tokenizer: "none",
    maxRetries: 0,
  });
  const counted: Backend = {
    describe: () => http.describe(),
    capabilities: (options) => http.capabilities(options),
    generate: (request, options) => http.generate(request, options),
    countTokens: async (prompt) => wordsOf(prompt),
  };
  server = createServer({
    config: parseServerConfig({
      limits: { keyTokensPerMinute: 1_000_000 },
      upstreams: [
        { name: "silent", baseUrl: "https://llm.example.com/v1", models: ["counted", "uncounted"] },
      ],
    }),
    models: [served("counted", counted), served("uncounted", http)],
    apiKeys: [key],
    logger: pino({ level: "silent" }),
    state,
  });
});

afterAll(async () => {
  await http?.dispose?.();
  await fake?.close();
});

/** `mull_tokens_total` of a model by kind (0 when absent). */
async function tokens(model: string, kind: "prompt" | "completion"): Promise<number> {
  const response = await server.app.request("/metrics", { headers: { authorization: `Bearer ${key}` } });
  const line = `mull_tokens_total{upstream="silent",kind="${kind}",model="${model}"} `;
  const found = (await response.text()).split("\n").find((sample) => sample.startsWith(line));
  return found === undefined ? 0 : Number(found.slice(line.length));
}

/**
 * Sends `sc@3` on `model` and reads its usage (a stream's from its usage chunk), what the prompts the
 * upstream received count, what the key's reservation reserved and was settled with, and what `/metrics`
 * counted.
 */
async function served3(model: string, stream: boolean) {
  const before = { prompt: await tokens(model, "prompt"), completion: await tokens(model, "completion") };
  const sent = fake.requests.length;
  const count = reservations.length;
  const response = await server.app.request("/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({
      model: `sc@3:${model}`,
      messages: [{ role: "user", content: question }],
      max_tokens: maxTokens,
      temperature: 0.7,
      ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    }),
  });
  expect(response.status).toBe(200);
  const body = stream
    ? ((await response.text())
        .split("\n\n")
        .filter((event) => event.startsWith("data: {"))
        .map((event) => JSON.parse(event.slice("data: ".length)) as Record<string, unknown>)
        .findLast((chunk) => chunk.usage !== null && chunk.usage !== undefined) ?? {})
    : ((await response.json()) as Record<string, unknown>);
  const samples = fake.requests.slice(sent).filter((request) => request.body?.max_tokens !== 1);
  expect(samples).toHaveLength(3);
  return {
    usage: body.usage as Record<string, number>,
    mullUsage: (body.mull as { usage: Record<string, number | null> } | undefined)?.usage,
    read: samples.reduce((sum, request) => sum + words(request.prompt), 0),
    reservation: reservations[count] ?? { reserved: 0 },
    counted: {
      prompt: (await tokens(model, "prompt")) - before.prompt,
      completion: (await tokens(model, "completion")) - before.completion,
    },
  };
}

describe("a strategy request whose upstream never reports its prompts' tokens", () => {
  it.each([
    false,
    true,
  ])("reports, charges and counts every sample's prompt where the model's tokenizer counts it (stream: %s)", async (stream) => {
    const { usage, mullUsage, read, reservation, counted } = await served3("counted", stream);
    const completion = 3 * 2; // `####` and ` 42`, a token each
    expect(read).toBe(3 * words(question));
    expect(usage).toEqual({
      prompt_tokens: read,
      completion_tokens: completion,
      total_tokens: read + completion,
    });
    if (!stream)
      expect(mullUsage).toMatchObject({ prompt_tokens: read, total_tokens: read + completion, calls: 3 });
    expect(reservation.settled).toBe(read + completion);
    expect(counted).toEqual({ prompt: read, completion });
  });

  it("leaves the prompt unknown where nothing counts it, and charges the key its estimate", async () => {
    const { usage, mullUsage, read, reservation, counted } = await served3("uncounted", false);
    const completion = 3 * 2;
    expect(usage).toEqual({ completion_tokens: completion });
    expect(mullUsage).toMatchObject({ prompt_tokens: null, total_tokens: null, calls: 3 });
    // Reserved: 3 × (the estimate + max_tokens); settled: the completion and the estimate for each sample.
    const estimate = reservation.reserved / 3 - maxTokens;
    expect(estimate).toBeGreaterThan(0);
    expect(estimate).not.toBe(read / 3);
    expect(reservation.settled).toBe(completion + 3 * estimate);
    expect(counted).toEqual({ prompt: 0, completion });
  });
});
