import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeReply } from "../testing/fake-openai-server.ts";
import { createGate, fakeUpstream, generations, serveFakeUpstream, until } from "./replicas.test-support.ts";

// A stream opens before the upstream has sent a byte: its headers and a first comment (Anthropic:
// `message_start` and a `ping`) go out at once under a strategy, and within half a second
// (`earlyFailureMilliseconds`) for a pass-through, which first waits that long for an early failure to answer
// it with its real status. A failure after that still reaches the client, as the last event in its
// protocol's error shape.

const key = "sk-stream-opening";
const gate = createGate();
/** What the upstream answers once the gate opens. */
let reply: FakeReply = "It is 42.\n#### 42";

const served = serveFakeUpstream({
  apiKey: key,
  // Keep-alives are far apart: a first comment cannot be one that came due.
  server: { keepAliveMilliseconds: 60_000 },
  // Failures are answered once, and do not open the upstream's circuit for the tests after them.
  upstreams: (url) => [
    { ...fakeUpstream("fake", url), maxRetries: 0, circuitBreaker: { failureThreshold: 1000 } },
  ],
  handler: async (request) => {
    await gate.wait(request);
    return reply;
  },
});

// The gate opens only when a test opens it, after it has read the stream's first chunk: a stream that waited
// for the upstream before opening would never open (the test times out), whatever the machine's load.
beforeEach(() => {
  gate.close();
  reply = "It is 42.\n#### 42";
});

afterEach(() => {
  gate.open();
});

function open(path: string, body: object): Promise<Response> {
  return fetch(`${served.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** The first chunk of a stream, and a reader of the rest. */
async function firstChunk(response: Response) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const first = await reader.read();
  return {
    first: decoder.decode(first.value),
    async rest(): Promise<string> {
      let text = "";
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        text += decoder.decode(chunk.value, { stream: true });
      }
      return text;
    },
  };
}

const question = [{ role: "user", content: "What is 6 times 7?" }];

describe("a stream without a strategy", () => {
  it("sends its headers and a first comment before the upstream answers, then the text", async () => {
    const response = await open("/v1/chat/completions", {
      model: "fake-model",
      messages: question,
      stream: true,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const stream = await firstChunk(response);
    // Read while the upstream is still held: it has not been let answer yet.
    expect(stream.first).toBe(": keep-alive\n\n");
    gate.open();
    const rest = await stream.rest();
    const text = [...rest.matchAll(/"content":"([^"]*)"/g)].map((match) => match[1]).join("");
    expect(text).toBe("It is 42.\\n#### 42");
    expect(rest).toMatch(/data: \[DONE\]\n\n$/);
  });

  it("sends an upstream failure after the headers as an error event in OpenAI's shape", async () => {
    reply = { status: 429, message: "slow down", retryAfter: "3" };
    const response = await open("/v1/chat/completions", {
      model: "fake-model",
      messages: question,
      stream: true,
    });
    expect(response.status).toBe(200);
    const stream = await firstChunk(response);
    expect(stream.first).toBe(": keep-alive\n\n");
    gate.open();
    const rest = await stream.rest();
    expect(rest).not.toMatch(/\[DONE\]/);
    const events = rest.split("\n\n").filter((event) => event.startsWith("data: "));
    const last = JSON.parse((events.at(-1) as string).slice(6));
    expect(last.error).toMatchObject({
      type: expect.any(String),
      message: expect.stringMatching(/retry after 3 s/),
    });
    expect(last.error.code).toBeTruthy();
  });
});

describe("an Anthropic stream without a strategy", () => {
  it("sends message_start and a ping before the upstream answers, then the text", async () => {
    const response = await open("/v1/messages", {
      model: "fake-model",
      max_tokens: 64,
      messages: question,
      stream: true,
    });
    expect(response.status).toBe(200);
    const stream = await firstChunk(response);
    expect(stream.first).toMatch(
      /^event: message_start\ndata: .*\n\nevent: ping\ndata: \{"type":"ping"\}\n\n$/,
    );
    gate.open();
    const rest = await stream.rest();
    expect(rest).toMatch(/"text_delta"/);
    expect(rest).toMatch(/event: message_stop\n/);
  });

  it("sends an upstream failure after message_start as Anthropic's error event", async () => {
    reply = { status: 503, message: "down" };
    const response = await open("/v1/messages", {
      model: "fake-model",
      max_tokens: 64,
      messages: question,
      stream: true,
    });
    const stream = await firstChunk(response);
    expect(stream.first).toMatch(/^event: message_start\n/);
    gate.open();
    const rest = await stream.rest();
    expect(rest).not.toMatch(/message_stop/);
    const error = /event: error\ndata: (.*)\n\n$/.exec(rest);
    expect(error).not.toBeNull();
    expect(JSON.parse(error?.[1] as string)).toMatchObject({
      type: "error",
      error: { type: expect.stringMatching(/_error$/), message: expect.any(String) },
    });
  });
});

describe("a pass-through stream whose upstream fails at once", () => {
  it("gets the real status and Retry-After on chat completions", async () => {
    gate.open();
    reply = { status: 429, message: "slow down", retryAfter: "3" };
    const response = await open("/v1/chat/completions", {
      model: "fake-model",
      messages: question,
      stream: true,
    });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("3");
    expect((await response.json()).error.message).toMatch(/rate limiting; retry after 3 s/);
  });

  it("gets the real status in Anthropic's error shape on messages", async () => {
    gate.open();
    reply = { status: 503, message: "down" };
    const response = await open("/v1/messages", {
      model: "fake-model",
      max_tokens: 64,
      messages: question,
      stream: true,
    });
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect(await response.json()).toMatchObject({ type: "error", error: { type: expect.any(String) } });
  });
});

describe("a stream under a strategy", () => {
  it("opens at once too", async () => {
    const response = await open("/v1/chat/completions", {
      model: "sc@2:fake-model",
      messages: question,
      temperature: 0.7,
      stream: true,
    });
    const stream = await firstChunk(response);
    expect(stream.first).toBe(": keep-alive\n\n");
    await until(() => generations(served.fake) > 0, "the samples to be asked for");
    gate.open();
    expect(await stream.rest()).toMatch(/"mull":\{"strategy":"sc@2"[\s\S]*data: \[DONE\]\n\n$/);
  });
});
