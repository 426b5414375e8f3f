import { describe, expect, it } from "vitest";
import { BackendCallError } from "../../errors/index.ts";
import type { GenerationRequest } from "../../spec/index.ts";
import type { FakeOpenAIServer, FakeReply } from "../../testing/fake-openai-server.ts";
import { useFakeServerBackends } from "./fake-server-backends.test-support.ts";
import type { OpenAICompatibleBackendOptions } from "./openai-compatible-backend-options.ts";

const fake = useFakeServerBackends();

/** A backend that needs no probe, so that every reply scripted goes to a generation. */
function backendFor(server: FakeOpenAIServer, options: Partial<OpenAICompatibleBackendOptions> = {}) {
  return fake.backendFor(server, {
    capabilities: { n: true, logprobs: true, topLogprobs: true },
    stallTimeoutMilliseconds: 300,
    ...options,
  });
}

/** Three prompt tokens, as the fake server counts them (words). */
const chat: GenerationRequest["prompt"] = {
  kind: "chat",
  messages: [{ role: "user", content: "count to ten" }],
};
const text: GenerationRequest["prompt"] = { kind: "text", text: "count to ten" };
const words = (count: number) => Array.from({ length: count }, (_, index) => ` w${index}`);

describe("createHttpCaller: the tokens of attempts that broke part-way", () => {
  it("charges a stream cut or stalled after k pieces to the call its retry answered with m tokens", async () => {
    for (const delivery of [{ cutAfterTokens: 4 }, { stallAfterTokens: 4 }]) {
      const server = await fake.fakeServer({
        replies: [{ choices: [{ tokens: words(12) }], delivery }, { choices: [{ tokens: words(6) }] }],
      });
      const result = await backendFor(server).generate({ prompt: chat });
      expect(server.requests).toHaveLength(2);
      expect(result.completions[0]?.text).toBe(words(6).join(""));
      // The completion counts its own tokens; the call is charged the broken attempt's too.
      expect(result.completions[0]?.completionTokens).toBe(6);
      expect(result.usage).toEqual({ promptTokens: 2 * 3, completionTokens: 4 + 6, calls: 1 });
    }
  });

  it("counts the broken attempt's tokens exactly from its log-probabilities, else as its pieces", async () => {
    // An empty token streams no piece: only its log-probability tells it was generated.
    const broken: FakeReply = {
      choices: [{ tokens: ["a", "", " b", " c", " d"] }],
      delivery: { cutAfterTokens: 3 },
    };
    const answer: FakeReply = { choices: [{ tokens: ["x", " y"] }] };
    const server = await fake.fakeServer({ replies: [broken, answer, broken, answer] });
    const backend = backendFor(server);
    const exact = await backend.generate({ prompt: text, logprobs: true });
    expect(exact.completions[0]?.tokens).toHaveLength(2);
    expect(exact.usage).toEqual({ promptTokens: 6, completionTokens: 3 + 2, calls: 1 });
    const pieces = await backend.generate({ prompt: text });
    expect(pieces.usage).toEqual({ promptTokens: 6, completionTokens: 2 + 2, calls: 1 });
    expect(server.requests).toHaveLength(4);
  });

  it("charges the broken attempt's prompt as its usage said, else the answer's prompt as read, not cached", async () => {
    const answer: FakeReply = {
      choices: [{ tokens: words(5) }],
      usage: { promptTokens: 9, cachedPromptTokens: 8 },
    };
    const server = await fake.fakeServer({
      replies: [
        // vLLM's continuous usage stats: the prompt is known from the first token chunk.
        {
          choices: [{ tokens: words(10) }],
          usage: { promptTokens: 11, cachedPromptTokens: 2 },
          delivery: { cutAfterTokens: 3, continuousUsage: true },
        },
        answer,
        // A stream that ends without [DONE] before its choice finished: its usage chunk came, and counts.
        {
          choices: [{ tokens: words(4), finishReason: null }],
          usage: { promptTokens: 10 },
          delivery: { omitDone: true },
        },
        answer,
        { choices: [{ tokens: words(10) }], delivery: { cutAfterTokens: 3 } },
        answer,
      ],
    });
    const backend = backendFor(server);
    const told = await backend.generate({ prompt: chat });
    expect(told.usage).toEqual({
      promptTokens: 11 + 9,
      completionTokens: 3 + 5,
      cachedPromptTokens: 2 + 8,
      calls: 1,
    });
    const whole = await backend.generate({ prompt: chat });
    expect(whole.usage).toEqual({
      promptTokens: 10 + 9,
      completionTokens: 4 + 5,
      cachedPromptTokens: 8,
      calls: 1,
    });
    const borrowed = await backend.generate({ prompt: chat });
    expect(borrowed.usage).toEqual({
      promptTokens: 9 + 9,
      completionTokens: 3 + 5,
      cachedPromptTokens: 8,
      calls: 1,
    });
  });

  it("charges each choice's pieces of a broken request for n choices", async () => {
    const server = await fake.fakeServer({
      replies: [{ choices: ["a b c", "d e f"], delivery: { cutAfterTokens: 3 } }, { choices: ["g h", "i"] }],
    });
    const result = await backendFor(server).generate({ prompt: text, n: 2 });
    expect(result.completions.map((completion) => completion.text)).toEqual(["g h", "i"]);
    expect(result.usage).toEqual({ promptTokens: 6, completionTokens: 3 + 3, calls: 1 });
  });

  it("adds nothing for an error status, a reset, a stream that stalled before its first piece or a whole body", async () => {
    const server = await fake.fakeServer({
      replies: [
        { status: 503, message: "busy" },
        "one two",
        { fault: "reset" },
        "one two",
        { choices: ["never sent"], delivery: { stallAfterTokens: 0 } },
        "one two",
        { choices: ["one two"], delivery: { cutAfterTokens: 1 } },
        "one two",
      ],
    });
    const backend = backendFor(server);
    for (const served of [backend, backend, backend, backend.unstreamed()]) {
      const result = await served.generate({ prompt: chat });
      expect(result.completions[0]?.text).toBe("one two");
      expect(result.usage).toEqual({ promptTokens: 3, completionTokens: 2, calls: 1 });
    }
    expect(server.requests).toHaveLength(8);
  });
});

/** The error a call rejected with. */
async function rejection(call: Promise<unknown>): Promise<BackendCallError> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!BackendCallError.isInstance(error))
    throw new Error(`expected a BackendCallError, got ${String(error)}`);
  return error;
}

describe("createHttpCaller: a call that fails in the end", () => {
  it("carries the tokens of every attempt whose stream broke part-way, the prompt as one of them told it", async () => {
    const server = await fake.fakeServer({
      replies: [
        {
          choices: [{ tokens: words(10) }],
          usage: { promptTokens: 11 },
          delivery: { cutAfterTokens: 3, continuousUsage: true },
        },
        { choices: [{ tokens: words(10) }], delivery: { cutAfterTokens: 2 } },
      ],
    });
    const error = await rejection(backendFor(server, { maxRetries: 1 }).generate({ prompt: chat }));
    expect(server.requests).toHaveLength(2);
    expect(error.message).toContain("gave up after 2 attempts");
    // Each attempt read the same prompt; the second's count is the first's.
    expect(error.usage).toEqual({ promptTokens: 2 * 11, completionTokens: 3 + 2, calls: 1 });
  });

  it("carries the pieces a stream relayed before it broke, not retried, its prompt unknown", async () => {
    const server = await fake.fakeServer({
      replies: [{ choices: [{ tokens: words(10) }], delivery: { cutAfterTokens: 4 } }],
    });
    const relayed: string[] = [];
    const error = await rejection(
      backendFor(server, { maxRetries: 3 }).generate(
        { prompt: chat },
        { onText: (piece) => relayed.push(piece) },
      ),
    );
    expect(relayed).toEqual(words(4));
    expect(server.requests).toHaveLength(1);
    expect(error.message).toContain("not retried: part of its text was already delivered");
    expect(error.usage).toEqual({ promptTokens: undefined, completionTokens: 4, calls: 1 });
  });

  it("keeps the status and message of a refusal that followed a broken attempt, with that attempt's tokens", async () => {
    const server = await fake.fakeServer({
      replies: [
        { choices: [{ tokens: words(10) }], delivery: { cutAfterTokens: 3 } },
        { status: 400, message: "no such thing" },
      ],
    });
    const error = await rejection(backendFor(server, { maxRetries: 2 }).generate({ prompt: chat }));
    expect(error.status).toBe(400);
    expect(error.isRetryable).toBe(false);
    expect(error.message).toMatch(/failed with status 400[^:]*: no such thing$/);
    expect(error.usage).toEqual({ promptTokens: undefined, completionTokens: 3, calls: 1 });
  });

  it("carries nothing after error statuses, a stream that broke before its first piece or a cut whole body", async () => {
    const server = await fake.fakeServer({
      replies: [
        { status: 503, message: "busy" },
        { choices: ["never sent"], delivery: { stallAfterTokens: 0 } },
        { status: 502, message: "bad gateway" },
        { choices: ["one two"], delivery: { cutAfterTokens: 1 } },
      ],
    });
    const streamed = await rejection(backendFor(server, { maxRetries: 2 }).generate({ prompt: chat }));
    expect(streamed.message).toContain("gave up after 3 attempts");
    expect(streamed.usage).toBeUndefined();
    const whole = await rejection(
      backendFor(server, { maxRetries: 0 }).unstreamed().generate({ prompt: chat }),
    );
    expect(whole.usage).toBeUndefined();
    expect(server.requests).toHaveLength(4);
  });
});
