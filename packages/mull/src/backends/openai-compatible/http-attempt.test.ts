import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BackendCallError } from "../../errors/index.ts";
import { useFakeServerBackends } from "./fake-server-backends.test-support.ts";
import { createOpenAICompatibleBackend, type OpenAICompatibleBackend } from "./openai-compatible-backend.ts";

// An upstream that answers a streamed request with a whole JSON response (status 200), sending its
// headers and the start of its body and holding the rest back, as a slow server still writing it would.
// Whatever an attempt does not read it must let go of: otherwise the connection stays busy for good.

let server: Server;
let baseUrl: string;
/** Each request's connection, and whether it closed. */
let connections: { closed: boolean }[];
let backend: OpenAICompatibleBackend | undefined;

beforeEach(async () => {
  connections = [];
  server = createServer((request, response) => {
    request.resume();
    const connection = { closed: false };
    connections.push(connection);
    request.socket.once("close", () => {
      connection.closed = true;
    });
    response.writeHead(200, { "content-type": "application/json" });
    response.write('{"id":"whole","object":"chat.completion","choices":[');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterEach(async () => {
  await backend?.dispose();
  backend = undefined;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A `fetch` that keeps what became of each response body it returned: read, cancelled, or neither. */
function recordingFetch(fates: string[]): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const response = await fetch(input, init);
    const index = fates.push("untouched") - 1;
    const body = response.body;
    if (body === null) return response;
    const reader = body.getReader();
    const recorded = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          fates[index] = "read";
          const chunk = await reader.read();
          if (chunk.done) controller.close();
          else controller.enqueue(chunk.value);
        },
        async cancel(reason) {
          if (fates[index] === "untouched") fates[index] = "cancelled";
          await reader.cancel(reason);
        },
      },
      // Pulls only when read, so that a body nobody reads stays untouched.
      { highWaterMark: 0 },
    );
    return new Response(recorded, { status: response.status, headers: response.headers });
  }) as typeof fetch;
}

describe("attemptCall: a whole response to a watched request", () => {
  it("fails the call without retrying, cancels the body it does not read and lets the connection go", async () => {
    const fates: string[] = [];
    backend = createOpenAICompatibleBackend({
      baseUrl,
      model: "fake-model",
      capabilities: { n: true, logprobs: true, topLogprobs: true },
      retryDelayMilliseconds: 20,
      fetch: recordingFetch(fates),
    });
    const error = await backend
      .generate(
        { prompt: { kind: "chat", messages: [{ role: "user", content: "count" }] } },
        { watch: () => "continue" },
      )
      .catch((thrown: unknown) => thrown);
    expect(BackendCallError.isInstance(error)).toBe(true);
    expect((error as BackendCallError).isRetryable).toBe(false);
    expect((error as Error).message).toMatch(
      /answered with a whole response, not a stream: a token watcher needs/,
    );
    // One attempt, whose body nobody read: it was cancelled, not left to hold its connection.
    expect(fates).toEqual(["cancelled"]);
    // The body never ends on its own, so only the client letting it go closes the connection.
    await vi.waitFor(() => expect(connections).toEqual([{ closed: true }]), { timeout: 2_000 });
  });
});

describe("attemptCall: onAccepted", () => {
  const { fakeServer, backendFor } = useFakeServerBackends();
  const question = {
    prompt: { kind: "chat" as const, messages: [{ role: "user" as const, content: "6*7?" }] },
  };

  it("tells of the success status before the first piece of text, once per accepted attempt", async () => {
    const server = await fakeServer({ replies: [{ status: 503 }, "It is 42."] });
    const events: string[] = [];
    const result = await backendFor(server, { capabilities: { n: true } }).generate(question, {
      onAccepted: () => events.push("accepted"),
      onText: (text) => events.push(`text ${text}`),
    });
    expect(result.completions[0]?.text).toBe("It is 42.");
    // The 503 was retried without a word; the 200 was told of before its text.
    expect(events[0]).toBe("accepted");
    expect(events.filter((event) => event === "accepted")).toHaveLength(1);
    expect(events.slice(1).join("")).toMatch(/^text /);
  });

  it("is never told when every attempt is refused", async () => {
    const server = await fakeServer({ handler: () => ({ status: 429, retryAfterMilliseconds: 5 }) });
    let accepted = 0;
    const error = await backendFor(server, { capabilities: { n: true }, maxRetries: 2 })
      .generate(question, { onAccepted: () => (accepted += 1) })
      .catch((thrown: unknown) => thrown);
    expect((error as BackendCallError).status).toBe(429);
    expect(server.requests.filter((request) => request.body?.max_tokens !== 1)).toHaveLength(3);
    expect(accepted).toBe(0);
  });
});

describe("attemptCall: a kept-alive connection the server drops", () => {
  const { fakeServer, backendFor } = useFakeServerBackends();
  const prompt = { kind: "text" as const, text: "Q: 2+2=? A:" };
  const generations = (server: Awaited<ReturnType<typeof fakeServer>>) =>
    server.requests.filter((request) => request.endpoint === "completions");

  it("sends the request again at once, spending no retry and no backoff", async () => {
    // The second request goes out on the first one's kept-alive connection, which the server resets on
    // taking it in, before any answer.
    const server = await fakeServer({
      replies: ["4", { fault: "reset" }, "5", "6", { fault: "reset" }, "7"],
    });
    for (const stream of [true, false]) {
      const backend = backendFor(server, {
        stream,
        maxRetries: 0,
        retryDelayMilliseconds: 3_000,
        capabilities: { n: true, logprobs: false },
      });
      const first = await backend.generate({ prompt });
      const started = performance.now();
      const second = await backend.generate({ prompt });
      // No retry was left to spend, and a retry would have waited at least half its 3 s delay.
      expect(performance.now() - started).toBeLessThan(1_500);
      expect([first, second].map((result) => result.completions[0]?.text)).toEqual(
        stream ? ["4", "5"] : ["6", "7"],
      );
      // One call each, as the caller sees it: the dropped request generated nothing to charge.
      expect(second.usage.calls).toBe(1);
    }
    expect(generations(server)).toHaveLength(6);
  });

  it("sends it once more only: a server that drops every connection fails the attempts as before", async () => {
    const server = await fakeServer({ replies: ["4"], handler: () => ({ fault: "reset" }) });
    const backend = backendFor(server, { maxRetries: 1, capabilities: { n: true, logprobs: false } });
    await backend.generate({ prompt });
    const error = await backend.generate({ prompt }).catch((thrown: unknown) => thrown);
    expect(BackendCallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/failed before a response arrived: .*gave up after 2 attempts/);
    // Two attempts, each sent twice.
    expect(generations(server)).toHaveLength(1 + 2 * 2);
  });
});
