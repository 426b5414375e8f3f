import { describe, expect, it, vi } from "vitest";
import { BackendCallError, CapabilityError, ConfigError, DisposedError } from "../../errors/index.ts";
import { requireCapability } from "../../runtime/index.ts";
import { rejection } from "../../runtime/rejection.test-support.ts";
import type { GenerationRequest } from "../../spec/index.ts";
import type { FakeOpenAIServer, FakeOpenAIServerOptions } from "../../testing/fake-openai-server.ts";
import { useFakeServerBackends } from "./fake-server-backends.test-support.ts";
import { createOpenAICompatibleBackend } from "./openai-compatible-backend.ts";

const { fakeServer, backendFor, track } = useFakeServerBackends();

const chat = (content: string): GenerationRequest["prompt"] => ({
  kind: "chat",
  messages: [{ role: "user", content }],
});
const text = (prompt: string): GenerationRequest["prompt"] => ({ kind: "text", text: prompt });

function gapBetween(server: FakeOpenAIServer, first: number, second: number): number {
  return (
    (server.requests[second]?.receivedAt ?? Number.NaN) - (server.requests[first]?.receivedAt ?? Number.NaN)
  );
}

describe("createOpenAICompatibleBackend: request shapes", () => {
  it("sends chat prompts to /chat/completions and text prompts to /completions with every sampling field", async () => {
    const server = await fakeServer({
      handler: (request) => ({
        choices: Array.from({ length: request.n }, (_, index) => `${request.endpoint} ${index}`),
      }),
    });
    const backend = backendFor(server);
    const fromChat = await backend.generate({
      prompt: chat("2+2=?"),
      n: 2,
      temperature: 0.7,
      topP: 0.9,
      topK: 20,
      minP: 0.05,
      seed: 11,
      stop: ["\n\n"],
      maxTokens: 64,
      extraBody: { prompt_logprobs: 1, repetition_penalty: 1.1 },
    });
    expect(fromChat.completions.map((completion) => completion.text)).toEqual(["chat 0", "chat 1"]);
    const fromText = await backend.generate({ prompt: text("Q: 2+2=? A:"), maxTokens: 8 });
    expect(fromText.completions[0]?.text).toBe("completions 0");

    const [chatRequest, textRequest] = server.requests;
    expect(chatRequest?.path).toBe("/v1/chat/completions");
    expect(chatRequest?.body).toEqual({
      model: "fake-model",
      messages: [{ role: "user", content: "2+2=?" }],
      n: 2,
      max_tokens: 64,
      temperature: 0.7,
      top_p: 0.9,
      top_k: 20,
      min_p: 0.05,
      seed: 11,
      stop: ["\n\n"],
      stream: true,
      stream_options: { include_usage: true },
      prompt_logprobs: 1,
      repetition_penalty: 1.1,
    });
    expect(textRequest?.path).toBe("/v1/completions");
    expect(textRequest?.body).toMatchObject({ model: "fake-model", prompt: "Q: 2+2=? A:", max_tokens: 8 });
    expect(textRequest?.body).not.toHaveProperty("n");
    expect(fromChat.model).toBe("fake-model");
    expect(fromChat.completions.map((completion) => completion.finishReason)).toEqual(["stop", "stop"]);
  });

  it("continues a final assistant message with vLLM's fields, and refuses one that is not the assistant's", async () => {
    const server = await fakeServer();
    const backend = backendFor(server);
    await backend.generate({
      prompt: {
        kind: "chat",
        messages: [
          { role: "user", content: "Solve 3*4." },
          { role: "assistant", content: "3*4=" },
        ],
        continueFinalMessage: true,
      },
    });
    expect(server.requests[0]?.body).toMatchObject({
      continue_final_message: true,
      add_generation_prompt: false,
    });
    const error = await rejection(
      backend.generate({
        prompt: { kind: "chat", messages: [{ role: "user", content: "x" }], continueFinalMessage: true },
      }),
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).field).toBe("request.prompt.messages");
    expect(server.requests).toHaveLength(1);
  });

  it("refuses prompts the chosen endpoint cannot take, and bad settings, naming the field", async () => {
    const server = await fakeServer();
    const chatOnly = backendFor(server, { endpoint: "chat" });
    const wrongKind = await rejection(chatOnly.generate({ prompt: text("raw") }));
    expect(CapabilityError.isInstance(wrongKind)).toBe(true);
    expect((wrongKind as CapabilityError).capability).toBe("completion");
    const badN = await rejection(chatOnly.generate({ prompt: chat("x"), n: 0 }));
    expect((badN as ConfigError).field).toBe("request.n");
    expect(() => createOpenAICompatibleBackend({ baseUrl: server.url, model: "m", concurrency: 0 })).toThrow(
      /concurrency must be an integer ≥ 1, got 0/,
    );
    expect(() =>
      createOpenAICompatibleBackend({ baseUrl: server.url, model: "m", timeoutMilliseconds: 0 }),
    ).toThrow(/timeoutMilliseconds must be a positive number/);
    expect(() => createOpenAICompatibleBackend({ baseUrl: server.url, model: "" })).toThrow(ConfigError);
    expect(() =>
      createOpenAICompatibleBackend({
        baseUrl: server.url,
        model: "m",
        apiKeyEnv: "MULL_UNSET_KEY",
        environment: {},
      }),
    ).toThrow(/MULL_UNSET_KEY, which is not set/);
    expect(() =>
      createOpenAICompatibleBackend({
        baseUrl: server.url,
        model: "m",
        architecture: { parameters: 7e9, layers: 0, embedding: 4096 },
      }),
    ).toThrow(/architecture\.layers must be an integer ≥ 1, got 0/);
    expect(server.requests).toHaveLength(0);
  });

  it("describes the model's shape only when it is configured", async () => {
    const server = await fakeServer();
    const architecture = {
      type: "llama",
      parameters: 8_030_261_248,
      layers: 32,
      embedding: 4096,
      heads: 32,
      keyValueHeads: 8,
    };
    expect(backendFor(server).describe().architecture).toBeUndefined();
    expect(backendFor(server, { architecture }).describe().architecture).toEqual(architecture);
  });
});

describe("createOpenAICompatibleBackend: retries inside one deadline", () => {
  it("waits as long as a 429's Retry-After says, then succeeds", async () => {
    const server = await fakeServer({
      replies: [{ status: 429, message: "rate limited", retryAfter: "1" }, "fine"],
    });
    const result = await backendFor(server).generate({ prompt: chat("hi") });
    expect(result.completions[0]?.text).toBe("fine");
    expect(server.requests).toHaveLength(2);
    // Retry-After: 1 s; the backoff alone would have been about 20 ms.
    expect(gapBetween(server, 0, 1)).toBeGreaterThanOrEqual(900);
  });

  it("honours retry-after-ms over retry-after", async () => {
    const server = await fakeServer({
      replies: [{ status: 503, retryAfter: "30", retryAfterMilliseconds: 300 }, "back"],
    });
    const result = await backendFor(server, { timeoutMilliseconds: 20_000 }).generate({ prompt: chat("hi") });
    expect(result.completions[0]?.text).toBe("back");
    expect(gapBetween(server, 0, 1)).toBeGreaterThanOrEqual(250);
    expect(gapBetween(server, 0, 1)).toBeLessThan(20_000);
  });

  it("retries one 500, and one connection reset", async () => {
    const server = await fakeServer({
      replies: [{ status: 500 }, "after error", { fault: "reset" }, "after reset"],
    });
    const backend = backendFor(server);
    expect((await backend.generate({ prompt: chat("a") })).completions[0]?.text).toBe("after error");
    expect((await backend.generate({ prompt: text("b") })).completions[0]?.text).toBe("after reset");
    expect(server.requests).toHaveLength(4);
  });

  it("treats a stream cut at 40 of 60 tokens as a failed sample and retries it", async () => {
    const tokens = Array.from({ length: 60 }, (_, index) => ` w${index}`);
    const server = await fakeServer({
      replies: [
        { choices: [{ tokens }], delivery: { cutAfterTokens: 40 } },
        { choices: [{ tokens }] },
        { choices: [{ tokens }], delivery: { cutAfterTokens: 40 } },
      ],
    });
    const result = await backendFor(server).generate({ prompt: text("count"), logprobs: true });
    expect(result.completions[0]?.text).toBe(tokens.join(""));
    expect(result.completions[0]?.tokens).toHaveLength(60);
    expect(server.requests).toHaveLength(2);

    const noRetries = backendFor(server, { maxRetries: 0 });
    const error = await rejection(noRetries.generate({ prompt: text("count") }));
    expect(BackendCallError.isInstance(error)).toBe(true);
    expect((error as BackendCallError).isRetryable).toBe(true);
    expect((error as Error).message).toContain(`${server.url}/completions`);
  });

  it("relays one completion's text through onText as it streams, and does not retry once text went out", async () => {
    const tokens = Array.from({ length: 12 }, (_, index) => ` w${index}`);
    const server = await fakeServer({
      replies: [
        { choices: [{ tokens }] },
        { choices: [{ tokens }], delivery: { cutAfterTokens: 5 } },
        "spare",
      ],
    });
    const backend = backendFor(server);
    const pieces: string[] = [];
    const result = await backend.generate(
      { prompt: chat("count") },
      { onText: (piece) => pieces.push(piece) },
    );
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join("")).toBe(tokens.join(""));
    expect(result.completions[0]?.text).toBe(tokens.join(""));

    const cutPieces: string[] = [];
    const error = await rejection(
      backend.generate({ prompt: chat("count") }, { onText: (piece) => cutPieces.push(piece) }),
    );
    expect((error as Error).message).toContain("not retried: part of its text was already delivered");
    expect(cutPieces.join("")).toBe(tokens.slice(0, 5).join(""));
    // The cut request was not sent again ("spare" is still unsent).
    expect(server.requests).toHaveLength(2);
  });

  it("fails a stream that stalls or ends without [DONE] before it is complete, and retries it", async () => {
    const server = await fakeServer({
      replies: [
        { choices: ["one two three four"], delivery: { stallAfterTokens: 2 } },
        // Every token and the usage, but no finish reason: the stream may have been cut there.
        { choices: [{ text: "one two", finishReason: null }], delivery: { omitDone: true } },
        "whole answer",
        { choices: [{ text: "never done", finishReason: null }], delivery: { omitDone: true } },
        { choices: ["a", "b"], usage: null, delivery: { omitDone: true } },
      ],
    });
    const backend = backendFor(server, { stallTimeoutMilliseconds: 300 });
    const result = await backend.generate({ prompt: chat("go") });
    expect(result.completions[0]?.text).toBe("whole answer");
    expect(server.requests).toHaveLength(3);
    await vi.waitFor(() => expect(server.abortedRequests).toBe(1));

    const once = backendFor(server, { maxRetries: 0, capabilities: { n: true } });
    const unfinished = await rejection(once.generate({ prompt: chat("go") }));
    expect((unfinished as Error).message).toMatch(
      /the stream ended without \[DONE\] after \d+ chunks, and choice 0 had no finish reason/,
    );
    // Both choices finished, but the usage the backend always asks for never came.
    const unpaid = await rejection(once.generate({ prompt: chat("go"), n: 2 }));
    expect((unpaid as Error).message).toMatch(/and the usage asked for had not come/);
  });

  it("takes a stream that delivered everything but [DONE] and then closed, without a retry", async () => {
    const server = await fakeServer({
      replies: [{ choices: ["four", "five six"], usage: { promptTokens: 3 }, delivery: { omitDone: true } }],
    });
    const backend = backendFor(server, { maxRetries: 0, capabilities: { n: true } });
    const result = await backend.generate({ prompt: chat("go"), n: 2 });
    expect(result.completions.map((completion) => [completion.text, completion.finishReason])).toEqual([
      ["four", "stop"],
      ["five six", "stop"],
    ]);
    expect(result.usage).toMatchObject({ promptTokens: 3, completionTokens: 3, calls: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it("fails a malformed chunk or an error event in the stream, and retries it", async () => {
    let calls = 0;
    const fakeFetch: typeof fetch = async () => {
      calls += 1;
      const body =
        calls === 1
          ? 'data: {"choices":[{"index":0,"delta":{"content":"a"}}]}\n\ndata: {not json}\n\n'
          : calls === 2
            ? 'data: {"error":{"message":"engine crashed","code":500}}\n\n'
            : 'data: {"choices":[{"index":0,"delta":{"content":"fine"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    };
    const backend = track(
      createOpenAICompatibleBackend({
        baseUrl: "http://127.0.0.1:9/v1",
        model: "m",
        fetch: fakeFetch,
        retryDelayMilliseconds: 5,
      }),
    );
    const recovered = await backend.generate({ prompt: chat("x") });
    expect(recovered.completions[0]?.text).toBe("fine");
    expect(calls).toBe(3);
  });

  it("ends a call to a hung upstream with a BackendCallError inside its total deadline", async () => {
    const server = await fakeServer({ handler: () => ({ fault: "hang" }) });
    const backend = backendFor(server, { timeoutMilliseconds: 1500, maxRetries: 5 });
    const started = performance.now();
    const error = await rejection(backend.generate({ prompt: chat("anyone?") }));
    const elapsed = performance.now() - started;
    expect(BackendCallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/deadline of 1500 ms/);
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    // Over four times the deadline: this guards against a call that never ends, not the backend's speed.
    expect(elapsed).toBeLessThan(1500 + 5000);
    // The hung request was abandoned (the fake sees the client leave), and no retry outlived the deadline.
    await vi.waitFor(() => expect(server.abortedRequests).toBe(1));
    expect(server.requests).toHaveLength(1);
  });

  it("keeps retries of stalling streams inside the same total deadline", async () => {
    const server = await fakeServer({
      handler: () => ({ choices: ["a b c"], delivery: { stallAfterTokens: 1 } }),
    });
    const backend = backendFor(server, {
      timeoutMilliseconds: 2000,
      stallTimeoutMilliseconds: 300,
      maxRetries: 50,
    });
    const started = performance.now();
    const error = await rejection(backend.generate({ prompt: chat("x") }));
    const elapsed = performance.now() - started;
    expect(BackendCallError.isInstance(error)).toBe(true);
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
    expect(server.requests.length).toBeLessThan(50);
    // Over three times the deadline: this guards against retries that outlive it, not the backend's speed.
    expect(elapsed).toBeLessThan(2000 + 5000);
  });

  it("retries a request whose first token is later than the first-token limit", async () => {
    const server = await fakeServer({
      replies: [{ choices: ["late"], delivery: { headerDelayMilliseconds: 3000 } }, "prompt"],
    });
    const result = await backendFor(server, { firstTokenTimeoutMilliseconds: 300 }).generate({
      prompt: chat("x"),
    });
    expect(result.completions[0]?.text).toBe("prompt");
    expect(server.requests).toHaveLength(2);
    await vi.waitFor(() => expect(server.abortedRequests).toBe(1));
  });

  it("fails at once with the last error when a Retry-After would pass the deadline", async () => {
    const server = await fakeServer({ handler: () => ({ status: 429, message: "quota", retryAfter: "30" }) });
    const started = performance.now();
    const error = await rejection(
      backendFor(server, { timeoutMilliseconds: 5000 }).generate({ prompt: chat("x") }),
    );
    // Three times the deadline, and half the Retry-After: this guards against sitting out the 30 s wait,
    // not the backend's speed (the message below shows it chose not to wait).
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(server.requests).toHaveLength(1);
    expect((error as BackendCallError).status).toBe(429);
    expect((error as Error).message).toMatch(/status 429.*quota.*would pass the deadline/);
  });

  it("gives up after maxRetries and does not retry a 400, which it reports with the server's message", async () => {
    const server = await fakeServer({
      replies: [
        {
          status: 400,
          message: "This model's maximum context length is 4096 tokens (context_length_exceeded)",
        },
      ],
      handler: () => ({ status: 502, message: "bad gateway" }),
    });
    const backend = backendFor(server, { maxRetries: 2 });
    const refused = await rejection(backend.generate({ prompt: chat("long") }));
    expect((refused as BackendCallError).status).toBe(400);
    expect((refused as BackendCallError).isRetryable).toBe(false);
    expect((refused as Error).message).toContain(
      `POST ${server.url}/chat/completions failed with status 400`,
    );
    expect((refused as Error).message).toContain("maximum context length is 4096 tokens");
    expect(server.requests).toHaveLength(1);

    const exhausted = await rejection(backend.generate({ prompt: chat("x") }));
    expect((exhausted as Error).message).toMatch(/bad gateway.*gave up after 3 attempts/);
    expect(server.requests).toHaveLength(4);
  });

  it("works without streaming too, and fails a body cut part-way", async () => {
    const server = await fakeServer({
      replies: [{ choices: ["whole"], delivery: { cutAfterTokens: 1 } }, "whole"],
    });
    const backend = backendFor(server, { stream: false });
    const result = await backend.generate({ prompt: text("p") });
    expect(result.completions[0]?.text).toBe("whole");
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.body).not.toHaveProperty("stream");
    expect(result.usage).toEqual({ promptTokens: 1, completionTokens: 1, calls: 1 });
  });

  it("unstreamed() asks the same upstream for whole bodies, while the backend itself still streams", async () => {
    const server = await fakeServer({ replies: ["whole one", "streamed", "whole two"] });
    const backend = backendFor(server);
    const whole = backend.unstreamed();
    expect(whole.describe()).toEqual(backend.describe());
    expect((await whole.generate({ prompt: chat("a"), logprobs: true })).completions[0]).toMatchObject({
      text: "whole one",
      tokens: [{ token: "whole" }, { token: " one" }],
    });
    expect((await backend.generate({ prompt: chat("b") })).completions[0]?.text).toBe("streamed");
    expect((await whole.generate({ prompt: text("c") })).completions[0]?.text).toBe("whole two");
    expect(server.requests.map((request) => request.stream)).toEqual([false, true, false]);
    expect(server.requests[0]?.body).not.toHaveProperty("stream_options");
  });

  it("unstreamed() streams its requests under a first-token limit, which then holds for them too", async () => {
    const server = await fakeServer({
      replies: [
        { choices: ["late"], delivery: { headerDelayMilliseconds: 3000 } },
        { choices: ["on time"], usage: { promptTokens: 2 } },
      ],
    });
    const whole = backendFor(server, { firstTokenTimeoutMilliseconds: 300 }).unstreamed();
    const result = await whole.generate({ prompt: chat("x") });
    expect(result.completions[0]).toMatchObject({ text: "on time", finishReason: "stop" });
    expect(result.usage).toEqual({ promptTokens: 2, completionTokens: 2, calls: 1 });
    // The late first attempt was cut by the limit, and both were streamed.
    expect(server.requests.map((request) => request.stream)).toEqual([true, true]);
    await vi.waitFor(() => expect(server.abortedRequests).toBe(1));
    expect((await whole.capabilities()).watchTokens).toBe(false);
  });

  it("fails a whole body that goes silent part-way by the stall timeout, and retries it", async () => {
    const server = await fakeServer({
      replies: [{ choices: ["one two three"], delivery: { stallAfterTokens: 1 } }, "one two three"],
    });
    const backend = backendFor(server, { stallTimeoutMilliseconds: 300, timeoutMilliseconds: 60_000 });
    const started = performance.now();
    const result = await backend.unstreamed().generate({ prompt: chat("go") });
    expect(result.completions[0]?.text).toBe("one two three");
    expect(server.requests).toHaveLength(2);
    // The stall timeout (300 ms), not the 60 s deadline, ended the first attempt: this guards against the
    // attempt hanging on to its deadline, not the backend's speed.
    expect(performance.now() - started).toBeLessThan(20_000);
    await vi.waitFor(() => expect(server.abortedRequests).toBe(1));

    const stalled = await fakeServer({
      handler: () => ({ choices: ["one two three"], delivery: { stallAfterTokens: 1 } }),
    });
    const error = await rejection(
      backendFor(stalled, { stallTimeoutMilliseconds: 300, maxRetries: 0 })
        .unstreamed()
        .generate({ prompt: chat("go") }),
    );
    expect((error as Error).message).toMatch(/response body stalled: no data for 300 ms/);
  });
});

describe("createOpenAICompatibleBackend: n, capabilities and log-probabilities", () => {
  const bySeed: FakeOpenAIServerOptions["handler"] = (request) => ({
    choices: Array.from({ length: request.n }, (_, index) => `seed ${String(request.body?.seed)} #${index}`),
  });

  it("answers n with parallel requests when the server refuses n > 1, and reports n: false", async () => {
    const server = await fakeServer({ refuseN: true, handler: bySeed });
    const backend = backendFor(server, { concurrency: 4 });
    const result = await backend.generate({ prompt: chat("vote"), n: 4, seed: 7, temperature: 1 });
    expect(result.completions.map((completion) => completion.text)).toEqual([
      "seed 7 #0",
      "seed 8 #0",
      "seed 9 #0",
      "seed 10 #0",
    ]);
    expect(result.completions.map((completion) => completion.index)).toEqual([0, 1, 2, 3]);
    expect(result.usage.calls).toBe(4);
    expect(server.requests).toHaveLength(5);
    expect(server.requests.slice(1).every((request) => request.n === 1)).toBe(true);

    // Remembered: the next call fans out at once.
    await backend.generate({ prompt: chat("vote"), n: 3 });
    expect(server.requests).toHaveLength(8);
    const capabilities = await backend.capabilities();
    expect(capabilities.n).toBe(false);
    expect(capabilities.logprobs).toBe(true);
  });

  it("keeps asking smaller n in one request when the server refused only a larger one (llama.cpp's slots)", async () => {
    // llama.cpp's server takes n up to its number of slots and names the field when it refuses more.
    const server = await fakeServer({
      handler: (request) =>
        request.n > 4
          ? { status: 400, message: `Field 'n': Value must be between 1 <= value <= 4, but got ${request.n}` }
          : bySeed(request),
    });
    const backend = backendFor(server);
    expect((await backend.capabilities()).n).toBe(true);
    const eight = await backend.generate({ prompt: chat("vote"), n: 8, seed: 1, temperature: 1 });
    expect(eight.completions).toHaveLength(8);
    expect((await backend.capabilities()).n).toBe(false);
    const four = await backend.generate({ prompt: chat("vote"), n: 4, seed: 1, temperature: 1 });
    expect(four.completions.map((completion) => completion.text)).toEqual([
      "seed 1 #0",
      "seed 1 #1",
      "seed 1 #2",
      "seed 1 #3",
    ]);
    // The probe (n 2), the refused 8, its eight single requests, then the 4 in one request.
    expect(server.requests.map((request) => request.n)).toEqual([2, 8, 1, 1, 1, 1, 1, 1, 1, 1, 4]);
    await backend.generate({ prompt: chat("vote"), n: 9 });
    expect(server.requests.slice(11).map((request) => request.n)).toEqual(Array.from({ length: 9 }, () => 1));
  });

  it("tops up with single requests when the server returns fewer choices than asked", async () => {
    const server = await fakeServer({ handler: (request) => ({ choices: [`only one of ${request.n}`] }) });
    const backend = backendFor(server);
    const result = await backend.generate({ prompt: text("x"), n: 3 });
    expect(result.completions.map((completion) => completion.text)).toEqual([
      "only one of 3",
      "only one of 1",
      "only one of 1",
    ]);
    expect(server.requests.map((request) => request.n)).toEqual([3, 1, 1]);
    expect((await backend.capabilities({})).n).toBe(false);
  });

  it("keeps fanned-out requests under the concurrency limit", async () => {
    let peak = 0;
    const server = await fakeServer({
      refuseN: true,
      handler: () => {
        peak = Math.max(peak, server.openRequests);
        return { choices: ["x"], delivery: { headerDelayMilliseconds: 80 } };
      },
    });
    const result = await backendFor(server, { concurrency: 2, capabilities: { n: false } }).generate({
      prompt: chat("x"),
      n: 6,
    });
    expect(result.completions).toHaveLength(6);
    expect(server.requests).toHaveLength(6);
    expect(peak).toBeGreaterThanOrEqual(1);
    expect(peak).toBeLessThanOrEqual(2);
  });

  it("probes once, caches the answer, and skips the probe when the settings say everything", async () => {
    const server = await fakeServer();
    const backend = backendFor(server);
    const [first, second] = await Promise.all([backend.capabilities(), backend.capabilities()]);
    expect(first).toEqual(second);
    expect(first).toMatchObject({ n: true, logprobs: true, topLogprobs: true, chat: true, completion: true });
    await backend.capabilities();
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.body).toMatchObject({ n: 2, max_tokens: 1, logprobs: true, top_logprobs: 1 });

    const configured = backendFor(server, {
      endpoint: "completions",
      capabilities: { n: false, logprobs: true, topLogprobs: false, grammar: true },
    });
    expect(await configured.capabilities()).toMatchObject({
      n: false,
      logprobs: true,
      topLogprobs: false,
      grammar: true,
      chat: false,
      completion: true,
    });
    expect(server.requests).toHaveLength(1);
  });

  it("reports logprobs: false when responses carry none, and requireCapability names it", async () => {
    const server = await fakeServer({ omitLogprobs: true });
    const backend = backendFor(server);
    const result = await backend.generate({ prompt: chat("x"), logprobs: true });
    expect(result.completions[0]?.tokens).toBeUndefined();
    expect((await backend.capabilities()).logprobs).toBe(false);
    const error = await rejection(requireCapability(backend, "logprobs", "deepconf"));
    expect(CapabilityError.isInstance(error)).toBe(true);
    expect((error as CapabilityError).capability).toBe("logprobs");
    expect((error as Error).message).toMatch(/deepconf needs the backend capability "logprobs"/);
    expect((await requireCapability(backend, "chat", "self-consistency")).chat).toBe(true);
  });

  for (const stream of [true, false]) {
    for (const kind of ["chat", "text"] as const) {
      it(`maps log-probabilities and top alternatives (${kind} prompt, ${stream ? "streamed" : "whole"})`, async () => {
        const server = await fakeServer({
          replies: [
            {
              choices: [
                { tokens: ["3", "7"], logprobs: [-0.5, -0.25], finishReason: "length" },
                { tokens: ["4"], logprobs: [-1.5] },
              ],
            },
          ],
        });
        const backend = backendFor(server, { stream });
        const result = await backend.generate({
          prompt: kind === "chat" ? chat("2+2") : text("2+2="),
          n: 2,
          topLogprobs: 3,
          maxTokens: 2,
        });
        const body = server.requests[0]?.body;
        if (kind === "chat") expect(body).toMatchObject({ logprobs: true, top_logprobs: 3 });
        else expect(body).toMatchObject({ logprobs: 3 });
        expect(body).toMatchObject({ max_tokens: 2, n: 2 });
        const [first, second] = result.completions;
        expect(first?.text).toBe("37");
        expect(first?.finishReason).toBe("length");
        expect(first?.completionTokens).toBe(2);
        expect(first?.tokens?.map((token) => [token.token, token.logprob])).toEqual([
          ["3", -0.5],
          ["7", -0.25],
        ]);
        expect(first?.tokens?.[1]?.topLogprobs).toEqual([
          { token: "7", logprob: -0.25 },
          { token: "7~1", logprob: -1.25 },
          { token: "7~2", logprob: -2.25 },
        ]);
        expect(second?.tokens).toEqual([
          {
            token: "4",
            logprob: -1.5,
            topLogprobs: [
              { token: "4", logprob: -1.5 },
              { token: "4~1", logprob: -2.5 },
              { token: "4~2", logprob: -3.5 },
            ],
          },
        ]);
        expect(result.usage.completionTokens).toBe(3);
      });
    }
  }

  it("asks completions for at least one alternative but returns none that were not asked for", async () => {
    const server = await fakeServer({ replies: [{ choices: [{ tokens: ["a", "b"] }] }] });
    const result = await backendFor(server).generate({ prompt: text("x"), logprobs: true });
    expect(server.requests[0]?.body).toMatchObject({ logprobs: 1 });
    expect(result.completions[0]?.tokens).toEqual([
      { token: "a", logprob: -0.1 },
      { token: "b", logprob: -0.2 },
    ]);
  });

  it("probes only what the settings leave open", async () => {
    const server = await fakeServer({ refuseN: true });
    const backend = backendFor(server, { capabilities: { logprobs: true, topLogprobs: true } });
    expect((await backend.capabilities()).n).toBe(false);
    expect(server.requests.map((request) => [request.n, request.body?.logprobs])).toEqual([[2, undefined]]);
    await backend.capabilities();
    expect(server.requests).toHaveLength(1);
  });

  it("leaves usage counts the server did not report undefined", async () => {
    const server = await fakeServer({
      replies: [
        { choices: ["a b"], usage: { promptTokens: null } },
        { choices: ["a b"], usage: null },
        { choices: ["x"], usage: { promptTokens: 3, completionTokens: 1 } },
        { choices: ["y"], usage: { promptTokens: 3, completionTokens: null } },
      ],
    });
    const backend = backendFor(server, { capabilities: { n: false } });
    const partial = await backend.generate({ prompt: chat("x") });
    expect(partial.usage).toEqual({ promptTokens: undefined, completionTokens: 2, calls: 1 });
    expect(partial.completions[0]?.completionTokens).toBe(2);
    const none = await backend.generate({ prompt: chat("x") });
    expect(none.usage).toEqual({ promptTokens: undefined, completionTokens: undefined, calls: 1 });
    expect(none.completions[0]?.completionTokens).toBeUndefined();
    const fanned = await backend.generate({ prompt: chat("x"), n: 2 });
    expect(fanned.usage).toEqual({ promptTokens: 6, completionTokens: undefined, calls: 2 });
  });
});

describe("createOpenAICompatibleBackend: cancellation and secrets", () => {
  it("stops the request when the signal aborts (the server sees the client leave)", async () => {
    const server = await fakeServer({ handler: () => ({ fault: "hang" }) });
    const backend = backendFor(server);
    const controller = new AbortController();
    const pending = backend.generate({ prompt: chat("x") }, { signal: controller.signal });
    await vi.waitFor(() => expect(server.openRequests).toBe(1));
    controller.abort(new Error("user pressed stop"));
    const error = await rejection(pending);
    expect((error as Error).message).toBe("user pressed stop");
    await vi.waitFor(() => expect(server.abortedRequests).toBe(1));
    expect(server.requests).toHaveLength(1);
  });

  it("stops a pending retry when the signal aborts", async () => {
    const server = await fakeServer({ handler: () => ({ status: 503, retryAfter: "20" }) });
    const backend = backendFor(server, { timeoutMilliseconds: 60_000 });
    const controller = new AbortController();
    const pending = backend.generate({ prompt: chat("x") }, { signal: controller.signal });
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    const started = performance.now();
    controller.abort();
    const error = await rejection(pending);
    expect((error as Error).name).toBe("AbortError");
    // Half the Retry-After: this guards against sitting out the 20 s wait after the abort, not speed.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(server.requests).toHaveLength(1);
  });

  it("aborts every fanned-out request, and refuses calls after dispose", async () => {
    const server = await fakeServer({ refuseN: true, handler: () => ({ fault: "hang" }) });
    const backend = backendFor(server, { capabilities: { n: false } });
    const pending = backend.generate({ prompt: chat("x"), n: 3 });
    await vi.waitFor(() => expect(server.openRequests).toBe(3));
    await backend.dispose();
    expect(DisposedError.isInstance(await rejection(pending))).toBe(true);
    await vi.waitFor(() => expect(server.abortedRequests).toBe(3));
    expect(DisposedError.isInstance(await rejection(backend.generate({ prompt: chat("x") })))).toBe(true);
  });

  it("drops a call whose signal aborts while it waits for a concurrency slot, and serves the next in order", async () => {
    const server = await fakeServer({
      handler: (request) =>
        request.prompt === "first"
          ? { choices: ["first"], delivery: { headerDelayMilliseconds: 100 } }
          : { choices: [request.prompt] },
    });
    const backend = backendFor(server, { concurrency: 1 });
    const first = backend.generate({ prompt: text("first") });
    const controller = new AbortController();
    const dropped = backend.generate({ prompt: text("dropped") }, { signal: controller.signal });
    const third = backend.generate({ prompt: text("third") });
    await vi.waitFor(() => expect(server.openRequests).toBe(1));
    controller.abort(new Error("gave up waiting"));
    expect((await rejection(dropped)) as Error).toHaveProperty("message", "gave up waiting");
    expect((await first).completions[0]?.text).toBe("first");
    await third;
    expect(server.requests.map((request) => request.prompt)).toEqual(["first", "third"]);
  });

  it("aborts calls that have their own signal when disposed, running or waiting", async () => {
    const server = await fakeServer({ handler: () => ({ fault: "hang" }) });
    const backend = backendFor(server, { concurrency: 1 });
    const controller = new AbortController();
    const running = backend.generate({ prompt: chat("x") }, { signal: controller.signal });
    const waiting = backend.generate({ prompt: chat("y") }, { signal: controller.signal });
    await vi.waitFor(() => expect(server.openRequests).toBe(1));
    await backend.dispose();
    expect(DisposedError.isInstance(await rejection(running))).toBe(true);
    expect(DisposedError.isInstance(await rejection(waiting))).toBe(true);
    await vi.waitFor(() => expect(server.abortedRequests).toBe(1));
    expect(server.requests).toHaveLength(1);
    expect(controller.signal.aborted).toBe(false);
  });

  it("sends the key as a bearer header and shows it nowhere else", async () => {
    const key = "sk-CANARY-7f3a9c";
    const server = await fakeServer({ apiKey: key });
    const backend = backendFor(server, {
      baseUrl: `${server.url}?tenant=secret-tenant`,
      apiKeyEnv: "MULL_TEST_KEY",
      environment: { MULL_TEST_KEY: key },
      maxRetries: 1,
    });
    await backend.generate({ prompt: chat("x") });
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${key}`);
    expect(JSON.stringify(backend.describe())).not.toContain(key);
    expect(backend.describe()).toEqual({
      kind: "openai-compatible",
      model: "fake-model",
      baseUrl: server.url,
    });

    server.enqueue(
      { status: 500, message: `upstream refused key ${key}` },
      { status: 500, message: `again ${key}` },
    );
    const echoed = await rejection(backend.generate({ prompt: chat("x") }));
    expect(String(echoed)).not.toContain(key);
    expect((echoed as Error).message).toContain("[redacted]");
    expect(JSON.stringify(echoed)).not.toContain(key);
    expect((echoed as Error).message).not.toContain("secret-tenant");
    expect(String((echoed as Error).cause)).not.toContain(key);

    const wrong = "sk-WRONG-0000";
    const other = backendFor(server, { apiKey: wrong });
    const unauthorized = await rejection(other.generate({ prompt: chat("x") }));
    expect((unauthorized as BackendCallError).status).toBe(401);
    expect((unauthorized as Error).message).not.toContain(wrong);
  });
});
