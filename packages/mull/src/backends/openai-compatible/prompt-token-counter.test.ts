import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { BackendCallError, CapabilityError, DisposedError } from "../../errors/index.ts";
import { manualClock } from "../../runtime/index.ts";
import type { Prompt } from "../../spec/index.ts";
import { useFakeServerBackends } from "./fake-server-backends.test-support.ts";
import { createOpenAICompatibleBackend } from "./openai-compatible-backend.ts";
import type { OpenAICompatibleBackendOptions } from "./openai-compatible-backend-options.ts";
import { renderChat, type TokenizerServer, useTokenizerServers } from "./tokenizer-server.test-support.ts";

const { fakeServer, backendFor, track } = useFakeServerBackends();
const startTokenizerServer = useTokenizerServers();

const text: Prompt = { kind: "text", text: "Q: 30+444+273=? A:" };
const messages = [
  { role: "system", content: "Answer with a number." },
  { role: "user", content: "1+1=?" },
] as const;
const chat: Prompt = { kind: "chat", messages };

/** A backend on a fake tokenizer server, disposed of after the test. */
function backendOn(server: TokenizerServer, options: Partial<OpenAICompatibleBackendOptions> = {}) {
  return track(createOpenAICompatibleBackend({ baseUrl: server.url, model: "fake-model", ...options }));
}

/** A loopback port nothing listens on, for a server to be started on later. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describe("countTokens of the OpenAI-compatible backend on llama.cpp's server", () => {
  it("tokenizes a text prompt as its completions do: beginning-of-sequence and special tokens", async () => {
    const server = await startTokenizerServer({ dialect: "llama.cpp" });
    const backend = backendOn(server);
    // 18 characters, a token each, and the beginning-of-sequence token.
    expect(await backend.countTokens?.(text)).toBe(19);
    expect(server.requests).toEqual([
      {
        method: "POST",
        path: "/tokenize",
        body: { model: "fake-model", content: text.text, add_special: true, parse_special: true },
      },
    ]);
  });

  it("counts a prompt once: its plan and each of its samples ask the server one time between them", async () => {
    const server = await startTokenizerServer({ dialect: "llama.cpp" });
    const backend = backendOn(server);
    const counts = [await backend.countTokens?.(text), await backend.countTokens?.({ ...text })];
    expect(counts).toEqual([19, 19]);
    expect(server.requests.map((request) => request.path)).toEqual(["/tokenize"]);
    // Another prompt, or the same text as a chat, is counted anew.
    expect(await backend.countTokens?.({ kind: "text", text: "Q: 1+1=? A:" })).toBe(12);
    await backend.countTokens?.(chat);
    await backend.countTokens?.(chat);
    expect(server.requests.map((request) => request.path)).toEqual([
      "/tokenize",
      "/tokenize",
      "/apply-template",
      "/tokenize",
    ]);
  });

  it("renders a chat with the server's template before it tokenizes it", async () => {
    const server = await startTokenizerServer({ dialect: "llama.cpp" });
    const backend = backendOn(server);
    const rendered = renderChat(messages);
    expect(await backend.countTokens?.(chat)).toBe(rendered.length + 1);
    expect(server.requests.map((request) => request.path)).toEqual(["/apply-template", "/tokenize"]);
    // The messages as `/chat/completions` gets them, and the template's text as it came back.
    expect(server.requests[0]?.body).toEqual({ model: "fake-model", messages });
    expect(server.requests[1]?.body).toMatchObject({ content: rendered, add_special: true });
  });

  it("renders a continued final message open, as the chat request asks for it", async () => {
    const server = await startTokenizerServer({ dialect: "llama.cpp" });
    const backend = backendOn(server);
    const continued: Prompt = {
      kind: "chat",
      messages: [...messages, { role: "assistant", content: "The answer is" }],
      continueFinalMessage: true,
    };
    const rendered = renderChat([...messages, { role: "assistant", content: "The answer is" }], true);
    expect(await backend.countTokens?.(continued)).toBe(rendered.length + 1);
    expect(server.requests[0]?.body).toMatchObject({
      continue_final_message: true,
      add_generation_prompt: false,
    });
  });
});

describe("countTokens of the OpenAI-compatible backend on vLLM", () => {
  it("sends the prompt or the messages to /tokenize and reads the count", async () => {
    const server = await startTokenizerServer({ dialect: "vllm" });
    const backend = backendOn(server);
    expect(await backend.countTokens?.(text)).toBe(text.text.length + 1);
    // A chat's special tokens come from its template, as vLLM's chat completions add them.
    expect(await backend.countTokens?.(chat)).toBe(renderChat(messages).length);
    expect(server.requests).toEqual([
      { method: "POST", path: "/tokenize", body: { model: "fake-model", prompt: text.text } },
      { method: "POST", path: "/tokenize", body: { model: "fake-model", messages } },
    ]);
  });

  it("counts on the server named by the option, without asking what it is", async () => {
    const server = await startTokenizerServer({ dialect: "vllm" });
    const backend = backendOn(server, { tokenizer: "vllm" });
    expect(await backend.countTokens?.(text)).toBe(19);
    expect(backend.describe().versions).toBeUndefined();
  });
});

describe("countTokens on a server that cannot count", () => {
  it("sends nothing to a server that is neither llama.cpp's nor vLLM's, and generation goes on", async () => {
    const server = await fakeServer();
    const backend = backendFor(server);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const error = await rejection(backend.countTokens!(text));
      expect(CapabilityError.isInstance(error)).toBe(true);
      expect((error as CapabilityError).capability).toBe("countTokens");
      expect((error as Error).message).toContain("neither llama.cpp's GET /props nor vLLM's GET /version");
    }
    const result = await backend.generate({ prompt: text, n: 1 });
    expect(result.completions[0]?.text).toBe("ok");
    expect(server.requests.filter((request) => request.path.endsWith("/tokenize"))).toEqual([]);
  });

  it("asks a server without the route once in the backend's life, however many count at once", async () => {
    // llama.cpp's /props, so the route is tried: but this server answers it with 404.
    const server = await fakeServer({ props: { build_info: "b1-test" } });
    const backend = backendFor(server);
    const first = await Promise.allSettled([
      backend.countTokens!(text),
      backend.countTokens!(chat),
      backend.countTokens!(text),
    ]);
    const later = await rejection(backend.countTokens!(chat));
    for (const error of [...first.map((settled) => (settled as PromiseRejectedResult).reason), later]) {
      expect(CapabilityError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(
        /POST http:\/\/127\.0\.0\.1:\d+\/tokenize answered status 404/,
      );
    }
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual(["POST /tokenize"]);
  });

  it("takes an answer of another shape for a missing route, and asks no more", async () => {
    const server = await startTokenizerServer({ dialect: "llama.cpp", replies: [{ json: { count: 3 } }] });
    const backend = backendOn(server);
    const error = await rejection(backend.countTokens!(text));
    expect(CapabilityError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("/tokenize answered without tokens");
    await rejection(backend.countTokens!(text));
    expect(server.requests).toHaveLength(1);
  });

  it("has no countTokens at all with tokenizer none", async () => {
    const server = await startTokenizerServer({ dialect: "llama.cpp" });
    const backend = backendOn(server, { tokenizer: "none" });
    expect(backend.countTokens).toBeUndefined();
    expect(backend.unstreamed().countTokens).toBeUndefined();
    expect("countTokens" in backend).toBe(false);
  });

  it("refuses a prompt its endpoint does not take, as generate does, before any request", async () => {
    const server = await startTokenizerServer({ dialect: "llama.cpp" });
    const backend = backendOn(server, { endpoint: "chat" });
    const error = await rejection(backend.countTokens!(text));
    expect(CapabilityError.isInstance(error)).toBe(true);
    expect((error as CapabilityError).capability).toBe("completion");
    expect(server.requests).toEqual([]);
  });
});

describe("countTokens when a count fails", () => {
  it("throws a server error with the server's words, redacted, and asks again next time", async () => {
    const server = await startTokenizerServer({
      dialect: "vllm",
      replies: [{ status: 500, message: "tokenizer crashed for key sk-secret-123" }],
    });
    const backend = backendOn(server, { apiKey: "sk-secret-123" });
    const error = await rejection(backend.countTokens!(text));
    expect(BackendCallError.isInstance(error)).toBe(true);
    expect((error as BackendCallError).status).toBe(500);
    expect((error as Error).message).toContain("tokenizer crashed for key [redacted]");
    expect((error as Error).message).not.toContain("sk-secret-123");
    // Not taken for a missing route: the next count is sent, and counts.
    expect(await backend.countTokens!(text)).toBe(19);
    expect(server.requests).toHaveLength(2);
  });

  it("stops at the call's abort with its reason, and the next count is sent", async () => {
    const server = await startTokenizerServer({ dialect: "llama.cpp", replies: ["hang"] });
    const backend = backendOn(server);
    const controller = new AbortController();
    const counting = backend.countTokens!(text, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const reason = new Error("caller left");
    controller.abort(reason);
    expect(await rejection(counting)).toBe(reason);
    expect(await backend.countTokens!(text)).toBe(19);
  });

  it("stops at the backend's deadline", async () => {
    const server = await startTokenizerServer({ dialect: "llama.cpp", replies: ["hang"] });
    const backend = backendOn(server, { timeoutMilliseconds: 100 });
    const error = await rejection(backend.countTokens!(text));
    expect(BackendCallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("longer than the deadline of 100 ms");
  });

  it("fails the counts waiting on a deciding count that the server left past the deadline, at once", async () => {
    const server = await startTokenizerServer({ dialect: "llama.cpp", replies: ["hang"] });
    const backend = backendOn(server, { timeoutMilliseconds: 100 });
    const prompts = ["1+1=?", "2+2=?", "3+3=?", "4+4=?"].map(
      (question): Prompt => ({ kind: "text", text: question }),
    );
    const errors = await Promise.all(prompts.map((prompt) => rejection(backend.countTokens!(prompt))));
    // One deadline for all of them: each waiter would otherwise try in turn, the k-th failing after k deadlines.
    for (const error of errors)
      expect((error as Error).message).toContain("longer than the deadline of 100 ms");
    expect(server.requests).toHaveLength(1);
    // The next count asks again, and counts.
    expect(await backend.countTokens!(text)).toBe(19);
  });

  it("lets a waiting count decide when the deciding count's own caller cut it", async () => {
    const server = await startTokenizerServer({ dialect: "llama.cpp", replies: ["hang"] });
    const backend = backendOn(server);
    const controller = new AbortController();
    const cut = backend.countTokens!({ kind: "text", text: "1+1=?" }, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const waiting = backend.countTokens!(text);
    controller.abort(new Error("caller left"));
    await rejection(cut);
    expect(await waiting).toBe(19);
  });

  it("stops when the backend is disposed, and refuses counts after it", async () => {
    const server = await startTokenizerServer({ dialect: "llama.cpp", replies: ["hang"] });
    const backend = backendOn(server);
    const counting = backend.countTokens!(text);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await backend.dispose();
    expect(DisposedError.isInstance(await rejection(counting))).toBe(true);
    expect(DisposedError.isInstance(await rejection(backend.countTokens!(text)))).toBe(true);
  });
});

describe("countTokens on a server that is not up yet", () => {
  it("decides nothing while the server is down, and counts exactly once it is up", async () => {
    const port = await freePort();
    const clock = manualClock();
    const backend = track(
      createOpenAICompatibleBackend({ baseUrl: `http://127.0.0.1:${port}/v1`, model: "fake-model", clock }),
    );
    const down = await rejection(backend.countTokens!(text));
    expect(CapabilityError.isInstance(down)).toBe(false);
    expect(BackendCallError.isInstance(down)).toBe(true);
    expect((down as BackendCallError).isRetryable).toBe(true);
    expect((down as Error).message).toMatch(
      /cannot count a prompt's tokens yet: .*\/props: connect ECONNREFUSED/,
    );

    const server = await startTokenizerServer({ dialect: "llama.cpp", port });
    // Within the delay the server is not asked again: the count fails at once, as before.
    clock.advance(4_000);
    expect(BackendCallError.isInstance(await rejection(backend.countTokens!(text)))).toBe(true);
    expect(server.discoveries).toEqual([]);
    clock.advance(1_000);
    expect(await backend.countTokens!(text)).toBe(19);
    expect(await backend.countTokens!(chat)).toBe(renderChat(messages).length + 1);
    expect(backend.describe().versions).toEqual({ "llama.cpp": "b1-test" });
    // Answered now: remembered for good, whatever the clock says.
    clock.advance(3_600_000);
    await backend.countTokens!({ kind: "text", text: "Q: 1+1=? A:" });
    expect([...server.discoveries].sort()).toEqual(["/props", "/version"]);
    expect(server.requests.map((request) => request.path)).toEqual([
      "/tokenize",
      "/apply-template",
      "/tokenize",
      "/tokenize",
    ]);
  });

  it("waits out a server that answers 503 while it loads, asking again less and less often", async () => {
    const clock = manualClock();
    let loading = true;
    const server = await startTokenizerServer({
      dialect: "vllm",
      discoveryStatus: () => (loading ? 503 : undefined),
    });
    const backend = backendOn(server, { clock });
    const asked = () => server.discoveries.length / 2;
    const loadingError = await rejection(backend.countTokens!(text));
    expect((loadingError as Error).message).toMatch(/\/version: status 503/);
    // 5 s, then 10 s, then 20 s between discoveries while the server keeps loading.
    for (const [wait, discoveries] of [
      [4_999, 1],
      [1, 2],
      [9_999, 2],
      [1, 3],
      [19_999, 3],
      [1, 4],
    ] as const) {
      clock.advance(wait);
      expect(BackendCallError.isInstance(await rejection(backend.countTokens!(text)))).toBe(true);
      expect(asked()).toBe(discoveries);
    }
    loading = false;
    clock.advance(40_000);
    expect(await backend.countTokens!(text)).toBe(19);
    expect(asked()).toBe(5);
    expect(server.requests.map((request) => request.path)).toEqual(["/tokenize"]);
  });

  it("still takes a server that answered it has no tokenizer at its word, for good", async () => {
    const clock = manualClock();
    const server = await fakeServer();
    const backend = backendFor(server, { clock });
    expect(CapabilityError.isInstance(await rejection(backend.countTokens!(text)))).toBe(true);
    clock.advance(3_600_000);
    expect(CapabilityError.isInstance(await rejection(backend.countTokens!(text)))).toBe(true);
    expect(server.requests.filter((request) => request.path.endsWith("/tokenize"))).toEqual([]);
  });
});
