import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../runtime/index.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import { type AssembledServer, assembleServer } from "./assemble-server.ts";
import { parseServerConfig } from "./config/index.ts";
import { recordingServingState } from "./key-budget-probes.test-support.ts";

// A pass-through served by an upstream that cannot count prompts (the fake has no tokenizer route) is
// told the same tokens in what its client is told (the usage of its last chunk, of its error event or of
// its error body) and in `/metrics`, however it ends: a prompt the upstream never told is told and counted
// as planned (estimated from its characters), once the upstream accepted the call, streamed or not; an
// Anthropic error, streamed or whole, tells it as its `message_delta` would. Its key is charged those
// tokens, but an unstreamed one cut before its whole body came (its client gone, the body cut or stalled)
// keeps its reservation: what the upstream generated up to the cut is never told.

const key = "sk-pass-through-cuts";
const text = "one two three four five six seven eight";
const maxTokens = 64;
let fake: FakeOpenAIServer;
let assembled: AssembledServer;
/** What each reservation against the key's budget reserved, and what it was settled with. */
const recorded = recordingServingState();
const reservations = recorded.reservations;

beforeAll(async () => {
  fake = await startFakeOpenAIServer({
    handler: (request) => {
      if (request.body?.max_tokens === 1) return { choices: ["ok"] }; // capability probe
      if (request.prompt.includes("silent prompt")) return { choices: [text], usage: { promptTokens: null } };
      if (request.prompt.includes("slow")) {
        return { choices: [text], delivery: { headerDelayMilliseconds: 5_000 } };
      }
      if (request.prompt.includes("stall")) return { choices: [text], delivery: { stallAfterTokens: 4 } };
      // Cut after 4 tokens, before any usage: a stream's pieces, or half of a whole body.
      return { choices: [text], usage: null, delivery: { cutAfterTokens: 4 } };
    },
  });
  const config = parseServerConfig({
    limits: { keyTokensPerMinute: 1_000_000 },
    upstreams: [
      {
        name: "cutting",
        baseUrl: fake.url,
        models: ["cut-model"],
        allowedNetworks: ["127.0.0.1/32"],
        maxRetries: 0,
        scorer: "none",
        circuitBreaker: { failureThreshold: 100, cooldownMilliseconds: 10_000 },
      },
      {
        name: "stalling",
        baseUrl: fake.url,
        models: ["stall-model"],
        allowedNetworks: ["127.0.0.1/32"],
        maxRetries: 0,
        scorer: "none",
        stallTimeoutMilliseconds: 200,
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

/** `mull_tokens_total` by kind (0 when absent) of `model`, the cut model unless it is the stalling one. */
async function tokens(kind: "prompt" | "completion", model = "cut-model"): Promise<number> {
  const response = await assembled.server.app.request("/metrics", {
    headers: { authorization: `Bearer ${key}` },
  });
  const upstream = model === "stall-model" ? "stalling" : "cutting";
  const line = `mull_tokens_total{upstream="${upstream}",kind="${kind}",model="${model}"} `;
  const found = (await response.text()).split("\n").find((sample) => sample.startsWith(line));
  return found === undefined ? 0 : Number(found.slice(line.length));
}

/**
 * Sends one request (its client going away once `leaveWhen` holds) and reads it to its end: its status and
 * body, what its reservation reserved and was settled with, the prompt it was planned with (what it
 * reserved less `max_tokens`), and what `/metrics` counted for it.
 */
async function charged(path: string, body: Record<string, unknown>, leaveWhen?: () => boolean) {
  const model = String(body.model);
  const before = { prompt: await tokens("prompt", model), completion: await tokens("completion", model) };
  const count = reservations.length;
  const client = new AbortController();
  const answered = assembled.server.app.request(
    new Request(`http://mull.test${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
      signal: client.signal,
    }),
  );
  if (leaveWhen !== undefined) {
    for (let wait = 0; !leaveWhen() && wait < 500; wait += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    client.abort();
  }
  const response = await answered;
  const read = await response.text();
  expect(reservations).toHaveLength(count + 1);
  const reservation = reservations[count] ?? { reserved: 0 };
  return {
    status: response.status,
    read,
    reserved: reservation.reserved,
    settled: reservation.settled,
    plannedPrompt: reservation.reserved - maxTokens,
    counted: {
      prompt: (await tokens("prompt", model)) - before.prompt,
      completion: (await tokens("completion", model)) - before.completion,
    },
  };
}

/** The `data:` payloads of a stream, `[DONE]` left out. */
function payloads(streamed: string): Record<string, unknown>[] {
  return streamed
    .split("\n\n")
    .flatMap((event) => event.split("\n").filter((line) => line.startsWith("data: {")))
    .map((line) => JSON.parse(line.slice("data: ".length)));
}

const chat = (content: string, extra: Record<string, unknown> = {}) => ({
  model: "cut-model",
  messages: [{ role: "user", content }],
  max_tokens: maxTokens,
  ...extra,
});

describe("a pass-through whose upstream never tells the prompt's tokens", () => {
  it("streamed and cut before its usage: charges, tells in its error event and counts the planned prompt too", async () => {
    const { read, settled, plannedPrompt, counted } = await charged(
      "/v1/chat/completions",
      chat("Count for me without a usage chunk, please.", { stream: true }),
    );
    expect(plannedPrompt).toBeGreaterThan(0);
    const error = payloads(read).find((payload) => payload.error !== undefined) as {
      mull: { usage: Record<string, number> };
    };
    expect(error.mull.usage).toEqual({
      prompt_tokens: plannedPrompt,
      completion_tokens: 4,
      total_tokens: plannedPrompt + 4,
      calls: 1,
    });
    expect(settled).toBe(plannedPrompt + 4);
    expect(counted).toEqual({ prompt: plannedPrompt, completion: 4 });
  });

  it("streamed whole with a usage that leaves the prompt out: its last chunk's usage is what it is charged", async () => {
    const { read, settled, plannedPrompt, counted } = await charged(
      "/v1/chat/completions",
      chat("Answer with a silent prompt, please.", {
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    expect(read).toContain("data: [DONE]");
    const usage = payloads(read).findLast((payload) => payload.usage !== null && payload.usage !== undefined)
      ?.usage as Record<string, number>;
    const completion = text.split(" ").length;
    expect(usage).toEqual({
      prompt_tokens: plannedPrompt,
      completion_tokens: completion,
      total_tokens: plannedPrompt + completion,
    });
    expect(settled).toBe(plannedPrompt + completion);
    expect(counted).toEqual({ prompt: plannedPrompt, completion });
  });

  it("unstreamed, its whole body cut part-way: tells in its error body and counts the planned prompt, and keeps its reservation", async () => {
    const { status, read, reserved, settled, plannedPrompt, counted } = await charged(
      "/v1/chat/completions",
      chat("Count for me in one whole body, please."),
    );
    expect(status).toBe(502);
    expect(plannedPrompt).toBeGreaterThan(0);
    // The body was cut before its usage: what the upstream generated cannot be told, its prompt was read.
    expect(JSON.parse(read).mull.usage).toEqual({
      prompt_tokens: plannedPrompt,
      completion_tokens: null,
      total_tokens: null,
      calls: 1,
    });
    expect(settled).toBe(reserved);
    expect(counted).toEqual({ prompt: plannedPrompt, completion: 0 });
  });

  it("unstreamed, its whole body stalled past the stall timeout: 504, and keeps its reservation", async () => {
    const { status, read, reserved, settled, plannedPrompt, counted } = await charged(
      "/v1/chat/completions",
      { ...chat("Answer, then stall in one whole body, please."), model: "stall-model" },
    );
    expect(status).toBe(504);
    expect(JSON.parse(read).mull.usage).toMatchObject({
      prompt_tokens: plannedPrompt,
      completion_tokens: null,
    });
    expect(settled).toBe(reserved);
    expect(counted).toEqual({ prompt: plannedPrompt, completion: 0 });
  });

  it("unstreamed, its client gone while the upstream works: counts the planned prompt, and keeps its reservation", async () => {
    const sent = fake.requests.length;
    const { status, reserved, settled, plannedPrompt, counted } = await charged(
      "/v1/chat/completions",
      chat("Think slow and long before answering."),
      () => fake.requests.slice(sent).some((request) => request.prompt.includes("slow")),
    );
    expect(status).toBe(499);
    expect(plannedPrompt).toBeGreaterThan(0);
    expect(settled).toBe(reserved);
    expect(counted).toEqual({ prompt: plannedPrompt, completion: 0 });
  });

  it("unstreamed on /v1/messages, its whole body cut part-way: its error body tells the usage in Anthropic's shape too", async () => {
    const { status, read, reserved, settled, plannedPrompt } = await charged("/v1/messages", {
      model: "cut-model",
      max_tokens: maxTokens,
      messages: [{ role: "user", content: "Count for me the whole Anthropic way, please." }],
    });
    expect(status).toBe(502);
    const error = JSON.parse(read) as Record<string, unknown>;
    expect(error).toMatchObject({ type: "error", error: { type: "api_error" } });
    expect(error.usage).toEqual({ input_tokens: plannedPrompt, output_tokens: 0 });
    expect((error.mull as { usage: unknown }).usage).toEqual({
      prompt_tokens: plannedPrompt,
      completion_tokens: null,
      total_tokens: null,
      calls: 1,
    });
    expect(settled).toBe(reserved);
  });

  it("as an Anthropic stream cut before its usage: its error event tells the usage charged", async () => {
    const { read, settled, plannedPrompt, counted } = await charged("/v1/messages", {
      model: "cut-model",
      max_tokens: maxTokens,
      stream: true,
      messages: [{ role: "user", content: "Count for me the Anthropic way, please." }],
    });
    const error = payloads(read).find((payload) => payload.type === "error") as {
      usage: Record<string, number>;
      mull: { usage: Record<string, number> };
    };
    expect(error.usage).toEqual({ input_tokens: plannedPrompt, output_tokens: 4 });
    expect(error.mull.usage).toEqual({
      prompt_tokens: plannedPrompt,
      completion_tokens: 4,
      total_tokens: plannedPrompt + 4,
      calls: 1,
    });
    expect(settled).toBe(plannedPrompt + 4);
    expect(counted).toEqual({ prompt: plannedPrompt, completion: 4 });
  });
});
