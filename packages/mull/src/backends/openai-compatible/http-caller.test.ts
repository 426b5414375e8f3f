import { describe, expect, it } from "vitest";
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
