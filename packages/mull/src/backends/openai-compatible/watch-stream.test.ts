import { describe, expect, it, vi } from "vitest";
import { BackendCallError, CapabilityError } from "../../errors/index.ts";
import type { GenerationRequest, TokenLogprob } from "../../spec/index.ts";
import type { FakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { useFakeServerBackends } from "./fake-server-backends.test-support.ts";
import type { OpenAICompatibleBackendOptions } from "./openai-compatible-backend-options.ts";

const fake = useFakeServerBackends();
const { fakeServer } = fake;
/** Backends here report n, logprobs and top logprobs unless a test says otherwise. */
function backendFor(server: FakeOpenAIServer, options: Partial<OpenAICompatibleBackendOptions> = {}) {
  return fake.backendFor(server, {
    capabilities: { n: true, logprobs: true, topLogprobs: true },
    ...options,
  });
}

const tokens = Array.from({ length: 12 }, (_, index) => (index === 0 ? "w0" : ` w${index}`));
const prompts: readonly [string, GenerationRequest["prompt"]][] = [
  ["chat", { kind: "chat", messages: [{ role: "user", content: "count" }] }],
  ["text", { kind: "text", text: "count" }],
];

/** A watcher that stops each completion at its `stopAt`-th token, and keeps what it heard. */
function stopAt(stops: Readonly<Record<number, number>>) {
  const heard = new Map<number, TokenLogprob[]>();
  const watch = (index: number, token: TokenLogprob) => {
    const list = heard.get(index) ?? [];
    list.push(token);
    heard.set(index, list);
    return list.length === stops[index] ? "stop" : "continue";
  };
  return { heard, watch };
}

describe("createOpenAICompatibleBackend: token watchers", () => {
  for (const [kind, prompt] of prompts) {
    it(`cuts a streamed completion at the watcher's stop and closes the stream (${kind} prompt)`, async () => {
      const server = await fakeServer({
        handler: () => ({ choices: [{ tokens }], delivery: { tokenDelayMilliseconds: 5 } }),
      });
      const backend = backendFor(server);
      expect((await backend.capabilities()).watchTokens).toBe(true);
      const { heard, watch } = stopAt({ 0: 3 });
      const result = await backend.generate({ prompt, topLogprobs: 2 }, { watch });
      const [completion] = result.completions;
      expect(completion?.finishReason).toBe("cut");
      expect(completion?.text).toBe("w0 w1 w2");
      expect(completion?.completionTokens).toBe(3);
      expect(completion?.tokens?.map((token) => token.token)).toEqual(["w0", " w1", " w2"]);
      expect(heard.get(0)?.map((token) => token.topLogprobs?.length)).toEqual([2, 2, 2]);
      expect(result.usage.completionTokens).toBe(3);
      // The server saw the client leave before the reply was complete.
      await vi.waitFor(() => expect(server.abortedRequests).toBe(1));
      expect(server.requests[0]?.stream).toBe(true);
    });
  }

  it("watches each of n completions in its own streamed request, under its own index", async () => {
    const server = await fakeServer({ handler: () => ({ choices: [{ tokens: tokens.slice(0, 5) }] }) });
    const backend = backendFor(server);
    const { heard, watch } = stopAt({ 1: 2 });
    const result = await backend.generate(
      { prompt: { kind: "text", text: "count" }, n: 3, seed: 4, logprobs: true },
      { watch },
    );
    expect(server.requests.map((request) => [request.n, request.stream])).toEqual([
      [1, true],
      [1, true],
      [1, true],
    ]);
    expect(server.requests.map((request) => request.body?.seed).sort()).toEqual([4, 5, 6]);
    expect(result.completions.map((completion) => completion.finishReason)).toEqual(["stop", "cut", "stop"]);
    expect(result.completions.map((completion) => completion.completionTokens)).toEqual([5, 2, 5]);
    expect([...heard.keys()].sort()).toEqual([0, 1, 2]);
  });

  it("asks for log-probabilities for the watcher, but returns tokens only when the request asked", async () => {
    const server = await fakeServer({ handler: () => ({ choices: [{ tokens: tokens.slice(0, 4) }] }) });
    const backend = backendFor(server);
    const { heard, watch } = stopAt({});
    const result = await backend.generate({ prompt: { kind: "text", text: "count" } }, { watch });
    expect(server.requests[0]?.body).toMatchObject({ logprobs: 1, stream: true });
    expect(heard.get(0)).toHaveLength(4);
    expect(result.completions[0]?.tokens).toBeUndefined();
    expect(result.completions[0]?.finishReason).toBe("stop");
  });

  it("refuses a watcher without a stream, naming watchTokens", async () => {
    const server = await fakeServer();
    for (const backend of [backendFor(server, { stream: false }), backendFor(server).unstreamed()]) {
      expect((await backend.capabilities()).watchTokens).toBe(false);
      const error = await backend
        .generate({ prompt: { kind: "text", text: "x" } }, { watch: () => "continue" })
        .catch((thrown: unknown) => thrown);
      expect(CapabilityError.isInstance(error) && error.capability === "watchTokens").toBe(true);
    }
    expect(server.requests).toHaveLength(0);
  });

  it("fails, never passing an unwatched answer off as watched, when the server sends no log-probabilities", async () => {
    // Settings that claim log-probabilities the server does not send: the call fails.
    const server = await fakeServer({ omitLogprobs: true });
    const claimed = backendFor(server);
    const error = await claimed
      .generate({ prompt: { kind: "text", text: "x" }, logprobs: true }, { watch: () => "continue" })
      .catch((thrown: unknown) => thrown);
    expect(BackendCallError.isInstance(error) && !error.isRetryable).toBe(true);
    expect((error as Error).message).toContain("token watcher");
    expect((await claimed.capabilities()).watchTokens).toBe(false);
    // Probed, the backend knows it before any call, and says which capability is missing.
    const probed = backendFor(server, { capabilities: {} });
    const refused = await probed
      .generate({ prompt: { kind: "text", text: "x" } }, { watch: () => "continue" })
      .catch((thrown: unknown) => thrown);
    expect(CapabilityError.isInstance(refused) && refused.capability === "watchTokens").toBe(true);
  });
});
