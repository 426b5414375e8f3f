import { afterEach, describe, expect, it, vi } from "vitest";
import { createOpenAICompatibleBackend } from "../backends/openai-compatible/index.ts";
import { ConfigError } from "../errors/index.ts";
import { solve } from "../solve.ts";
import {
  type FakeOpenAIServer,
  type FakeOpenAIServerOptions,
  startFakeOpenAIServer,
} from "./fake-openai-server.ts";

let server: FakeOpenAIServer | undefined;

async function start(options: FakeOpenAIServerOptions = {}): Promise<FakeOpenAIServer> {
  server = await startFakeOpenAIServer(options);
  return server;
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

function post(url: string, body: object, init: RequestInit = {}): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    ...init,
  });
}

/** The JSON payloads of an SSE body, and whether it ended with [DONE]. */
function events(text: string): { payloads: Record<string, unknown>[]; done: boolean } {
  const data = text
    .split("\n\n")
    .filter((block) => block.startsWith("data: "))
    .map((block) => block.slice("data: ".length));
  const done = data.at(-1) === "[DONE]";
  return { payloads: data.filter((item) => item !== "[DONE]").map((item) => JSON.parse(item)), done };
}

describe("startFakeOpenAIServer", () => {
  it("answers both endpoints with n choices, usage and logprobs in each shape, and records requests", async () => {
    const fake = await start({
      handler: (request) => ({
        choices: Array.from({ length: request.n }, (_, index) => ({ tokens: ["4", "2", `#${index}`] })),
      }),
    });
    const chat = await post(`${fake.url}/chat/completions`, {
      model: "m",
      messages: [{ role: "user", content: "what is six times seven" }],
      n: 2,
      logprobs: true,
      top_logprobs: 2,
    });
    const chatBody = await chat.json();
    expect(chatBody.choices).toHaveLength(2);
    expect(chatBody.choices[1].message.content).toBe("42#1");
    expect(chatBody.choices[0].logprobs.content[2]).toMatchObject({
      token: "#0",
      logprob: -0.30000000000000004,
    });
    expect(chatBody.choices[0].logprobs.content[0].top_logprobs).toEqual([
      { token: "4", logprob: -0.1 },
      { token: "4~1", logprob: -1.1 },
    ]);
    expect(chatBody.usage).toEqual({ prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 });

    const text = await post(`${fake.url}/completions`, { model: "m", prompt: "Q: 6*7? A:", logprobs: 1 });
    const textBody = await text.json();
    expect(textBody.choices[0].text).toBe("42#0");
    expect(textBody.choices[0].logprobs.tokens).toEqual(["4", "2", "#0"]);
    expect(textBody.choices[0].logprobs.token_logprobs[1]).toBeCloseTo(-0.2);
    expect(textBody.choices[0].logprobs.top_logprobs[0]).toEqual({ "4": -0.1 });

    expect(fake.requests.map((request) => [request.endpoint, request.n])).toEqual([
      ["chat", 2],
      ["completions", 1],
    ]);
    expect(fake.requests[1]?.prompt).toBe("Q: 6*7? A:");
    expect(fake.requests[0]?.headers["content-type"]).toBe("application/json");
  });

  it("streams token chunks, the usage chunk when asked, and [DONE]", async () => {
    const fake = await start({
      replies: [{ choices: ["one two three", "four"], usage: { cachedPromptTokens: 1 } }],
    });
    const response = await post(`${fake.url}/chat/completions`, {
      messages: [{ role: "user", content: "count" }],
      n: 2,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const { payloads, done } = events(await response.text());
    expect(done).toBe(true);
    const pieces = new Map<number, string>();
    for (const payload of payloads) {
      for (const choice of payload.choices as { index: number; delta: { content?: string } }[]) {
        pieces.set(choice.index, (pieces.get(choice.index) ?? "") + (choice.delta.content ?? ""));
      }
    }
    expect(pieces.get(0)).toBe("one two three");
    expect(pieces.get(1)).toBe("four");
    expect(payloads.at(-1)?.usage).toEqual({
      prompt_tokens: 1,
      completion_tokens: 4,
      total_tokens: 5,
      prompt_tokens_details: { cached_tokens: 1 },
    });
  });

  it("puts the usage so far on every token chunk with continuousUsage, as vLLM's continuous usage stats", async () => {
    const fake = await start({
      replies: [
        {
          choices: ["one two three"],
          usage: { promptTokens: 7, cachedPromptTokens: 4 },
          delivery: { continuousUsage: true },
        },
      ],
    });
    const response = await post(`${fake.url}/completions`, {
      prompt: "count",
      stream: true,
      stream_options: { include_usage: true },
    });
    const { payloads, done } = events(await response.text());
    expect(done).toBe(true);
    const tokenChunks = payloads.filter((payload) =>
      (payload.choices as { text: string }[]).some((choice) => choice.text !== ""),
    );
    expect(tokenChunks.map((payload) => payload.usage)).toEqual(
      [1, 2, 3].map((generated) => ({
        prompt_tokens: 7,
        total_tokens: 7 + generated,
        completion_tokens: generated,
        prompt_tokens_details: { cached_tokens: 4 },
      })),
    );
    expect(payloads.at(-1)?.usage).toEqual({
      prompt_tokens: 7,
      completion_tokens: 3,
      total_tokens: 10,
      prompt_tokens_details: { cached_tokens: 4 },
    });
  });

  it("scripts errors with retry-after, resets, refused n, missing usage and a required key", async () => {
    const fake = await start({
      apiKey: "sk-test",
      refuseN: true,
      replies: [
        { status: 429, message: "slow down", retryAfter: "2", retryAfterMilliseconds: 1500 },
        { fault: "reset" },
      ],
      handler: () => ({ choices: ["x"], usage: { promptTokens: null } }),
    });
    const headers = { "content-type": "application/json", authorization: "Bearer sk-test" };
    const limited = await post(`${fake.url}/completions`, { prompt: "p" }, { headers });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("2");
    expect(limited.headers.get("retry-after-ms")).toBe("1500");
    expect((await limited.json()).error.message).toBe("slow down");
    await expect(post(`${fake.url}/completions`, { prompt: "p" }, { headers })).rejects.toThrow(TypeError);
    const refused = await post(`${fake.url}/completions`, { prompt: "p", n: 3 }, { headers });
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.message).toMatch(/n must be 1/);
    const partial = await (await post(`${fake.url}/completions`, { prompt: "p" }, { headers })).json();
    expect(partial.usage).toEqual({ completion_tokens: 1 });
    const wrongKey = await post(
      `${fake.url}/completions`,
      { prompt: "p" },
      { headers: { authorization: "Bearer nope" } },
    );
    expect(wrongKey.status).toBe(401);
    expect(fake.requests).toHaveLength(5);
  });

  it("cuts a stream after K tokens, or ends it without [DONE]", async () => {
    const tokens = Array.from({ length: 60 }, (_, index) => `t${index} `);
    const fake = await start({
      replies: [
        { choices: [{ tokens }], delivery: { cutAfterTokens: 40 } },
        { choices: [{ tokens: ["a", "b"] }], delivery: { omitDone: true } },
      ],
    });
    const cut = await post(`${fake.url}/completions`, { prompt: "p", stream: true });
    const reader = cut.body?.getReader();
    const decoder = new TextDecoder();
    let received = "";
    await expect(
      (async () => {
        for (;;) {
          const chunk = await reader?.read();
          if (chunk === undefined || chunk.done) return;
          received += decoder.decode(chunk.value, { stream: true });
        }
      })(),
    ).rejects.toThrow();
    const sent = events(received.slice(0, received.lastIndexOf("\n\n") + 2)).payloads;
    expect(sent).toHaveLength(40);
    expect(received).not.toContain("[DONE]");

    const open = events(await (await post(`${fake.url}/completions`, { prompt: "p", stream: true })).text());
    expect(open.done).toBe(false);
    expect(open.payloads.length).toBeGreaterThanOrEqual(2);
    expect(fake.abortedRequests).toBe(0);
  });

  it("sends a whole stream without [DONE] and holds the connection open until the client leaves", async () => {
    const fake = await start({
      replies: [{ choices: [{ tokens: ["a", "b"] }], delivery: { holdOpenWithoutDone: true } }],
    });
    const response = await post(`${fake.url}/completions`, {
      prompt: "p",
      stream: true,
      stream_options: { include_usage: true },
    });
    const reader = response.body?.getReader();
    const decoder = new TextDecoder();
    let received = "";
    // Read until the usage chunk, the last one sent: nothing ends the body.
    while (!received.includes('"usage"')) {
      const chunk = await reader?.read();
      if (chunk === undefined || chunk.done) throw new Error("the held stream ended");
      received += decoder.decode(chunk.value, { stream: true });
    }
    const held = events(received);
    expect(held.done).toBe(false);
    expect(
      held.payloads.map((payload) => (payload.choices as { finish_reason: unknown }[])[0]?.finish_reason),
    ).toEqual([null, null, "stop", undefined]);
    expect(fake.openRequests).toBe(1);
    await reader?.cancel();
    await vi.waitFor(() => expect(fake.abortedRequests).toBe(1));
    expect(fake.openRequests).toBe(0);
  });

  it("counts a client that leaves a hung or stalled request as an abort", async () => {
    const fake = await start({
      replies: [{ fault: "hang" }, { choices: ["a b c d"], delivery: { stallAfterTokens: 2 } }],
    });
    const hung = new AbortController();
    const pending = post(`${fake.url}/completions`, { prompt: "p" }, { signal: hung.signal });
    await vi.waitFor(() => expect(fake.openRequests).toBe(1));
    hung.abort();
    await expect(pending).rejects.toThrow();
    await vi.waitFor(() => expect(fake.abortedRequests).toBe(1));

    const stalled = new AbortController();
    const response = await post(
      `${fake.url}/completions`,
      { prompt: "p", stream: true },
      { signal: stalled.signal },
    );
    const reader = response.body?.getReader();
    const first = await reader?.read();
    expect(first?.done).toBe(false);
    stalled.abort();
    await vi.waitFor(() => expect(fake.abortedRequests).toBe(2));
    expect(fake.openRequests).toBe(0);
  });

  it("answers /v1/models and refuses unknown routes and bad bodies", async () => {
    const fake = await start({ model: "tiny" });
    const models = await (await fetch(`${fake.url}/models`)).json();
    expect(models.data[0].id).toBe("tiny");
    expect((await fetch(`${fake.url}/nowhere`, { method: "POST" })).status).toBe(404);
    const bad = await fetch(`${fake.url}/completions`, { method: "POST", body: "{not json" });
    expect(bad.status).toBe(400);
  });
});

describe("an HTTP backend on the fake server under a run's deadline", () => {
  it("has the run charge the pieces of samples the deadline cut mid-way, and count every request", async () => {
    // Two samples (even seeds) finish at once; two stream 3 pieces, then stall until the deadline aborts them.
    const finished = "so 6 × 7 = 42\n#### 42";
    const fake = await start({
      handler: (request) =>
        Number(request.body?.seed) % 2 === 0
          ? { choices: [finished], usage: { promptTokens: 20, cachedPromptTokens: 16 } }
          : { choices: ["first 6 × 7 is 42 so\n#### 42"], delivery: { stallAfterTokens: 3 } },
    });
    const backend = createOpenAICompatibleBackend({
      baseUrl: fake.url,
      model: "fake-model",
      capabilities: { n: false, logprobs: false, topLogprobs: false },
    });
    try {
      const result = await solve({
        problem: "What is 6 × 7?",
        strategy: "sc@4",
        backend,
        budget: { maxMilliseconds: 1_000 },
      });
      expect(result.partial).toBe(true);
      expect(result.stoppedBy).toBe("time");
      // The anytime answer is voted over the two samples that finished.
      expect(result.answer).toBe("42");
      expect(result.candidates).toHaveLength(2);
      // Each finished sample streamed 8 tokens and each cut one 3 pieces; the cut ones read the same prompt.
      expect(result.usage).toEqual({
        promptTokens: 4 * 20,
        completionTokens: 2 * 8 + 2 * 3,
        cachedPromptTokens: 4 * 16,
        calls: 4,
      });
      const generations = result.trace.filter((event) => event.type === "generation");
      expect(generations.map((event) => [event.finishReason, event.completionTokens]).sort()).toEqual([
        ["abort", 3],
        ["abort", 3],
        ["stop", 8],
        ["stop", 8],
      ]);
      expect(fake.generations.started).toBe(4);
    } finally {
      await backend.dispose();
    }
  });

  it("refuses a misspelled key rather than keeping the default it meant to change", async () => {
    // @ts-expect-error: `modle` is no option; the check is for callers the compiler does not see.
    const misspelled = startFakeOpenAIServer({ modle: "m" });
    await expect(misspelled).rejects.toThrow(ConfigError);
    await expect(misspelled).rejects.toThrow(
      "startFakeOpenAIServer: modle: unknown key (startFakeOpenAIServer takes replies, handler, refuseN, " +
        "omitLogprobs, apiKey, model, models, props, version)",
    );
    await expect(misspelled).rejects.toMatchObject({ field: "modle" });
  });

  it("takes every documented key", async () => {
    const options: Required<FakeOpenAIServerOptions> = {
      replies: ["first"],
      handler: () => "later",
      refuseN: true,
      omitLogprobs: true,
      apiKey: "secret",
      model: "m",
      models: ["m", "n"],
      props: { build_info: "b1" },
      version: "0.9.0",
    };
    const fake = await start(options);
    const headers = { authorization: "Bearer secret" };
    const models = await (await fetch(`${fake.url}/models`, { headers })).json();
    expect(models.data.map((entry: { id: string }) => entry.id)).toEqual(["m", "n"]);
    const root = fake.url.replace(/\/v1$/, "");
    expect(await (await fetch(`${root}/props`)).json()).toEqual({ build_info: "b1" });
    expect(await (await fetch(`${root}/version`)).json()).toEqual({ version: "0.9.0" });
    const refused = await post(`${fake.url}/completions`, { prompt: "p", n: 2 }, { headers });
    expect(refused.status).toBe(400);
    const first = await (
      await post(`${fake.url}/completions`, { prompt: "p", logprobs: 1 }, { headers })
    ).json();
    expect(first.model).toBe("m");
    expect(first.choices[0].text).toBe("first");
    expect(first.choices[0].logprobs).toBeNull();
    const later = await (await post(`${fake.url}/completions`, { prompt: "p" }, { headers })).json();
    expect(later.choices[0].text).toBe("later");
  });
});
