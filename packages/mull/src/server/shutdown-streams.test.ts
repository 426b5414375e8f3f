import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import { type AssembledServer, assembleServer } from "./assemble-server.ts";
import { parseServerConfig } from "./config/index.ts";
import { listenServer, type RunningServer } from "./listen-server.ts";

// A stream a shutdown cuts at the end of its grace period is never a truncated success: over a real
// socket, against an upstream that streams a token every 100 ms, each stream open when the grace ends
// (a pass-through relaying text, a strategy sampling; chat completions and messages) gets the error as
// its last event, 503 `server_shutting_down`, and its end is recorded as 503 in the log and `/metrics`.
// A client that went away before stays 499, with nothing written.

const key = "sk-shutdown-streams";
const words = Array.from({ length: 60 }, (_, index) => `w${index}`).join(" ");
let fake: FakeOpenAIServer;
let assembled: AssembledServer;
let running: RunningServer | undefined;
/** The server's log lines, parsed. */
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  fake = await startFakeOpenAIServer({
    handler: (request) =>
      request.body?.max_tokens === 1
        ? { choices: ["ok"] }
        : {
            choices: Array.from({ length: request.n }, () => words),
            // Streamed, a token every 100 ms (6 s in all); whole, 10 s before the headers.
            delivery: request.stream ? { tokenDelayMilliseconds: 100 } : { headerDelayMilliseconds: 10_000 },
          },
  });
  const config = parseServerConfig({
    server: { keepAliveMilliseconds: 100 },
    upstreams: [
      {
        name: "fake",
        baseUrl: fake.url,
        models: ["fake-model"],
        allowedNetworks: ["127.0.0.1/32"],
        maxRetries: 0,
        scorer: "none",
      },
    ],
  });
  const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
  assembled = await assembleServer(config, { apiKeys: [key], logger });
  running = await listenServer(assembled.server, { host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await running?.shutdown(0);
  await assembled?.dispose();
  await fake?.close();
});

const headers = { "content-type": "application/json", authorization: `Bearer ${key}` };

function chat(url: string, model: string, signal: AbortSignal | null = null): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers,
    signal,
    body: JSON.stringify({ model, stream: true, messages: [{ role: "user", content: "count" }] }),
  });
}

function message(url: string, model: string): Promise<Response> {
  return fetch(`${url}/v1/messages`, {
    method: "POST",
    headers,
    body: JSON.stringify({
      model,
      stream: true,
      max_tokens: 200,
      messages: [{ role: "user", content: "count" }],
    }),
  });
}

/** A server-sent event: its `event:` name, if any, and its `data:` text. */
interface SentEvent {
  readonly event: string | undefined;
  readonly data: string;
}

function events(body: string): SentEvent[] {
  return body
    .split("\n\n")
    .map((block) => block.split("\n"))
    .filter((block) => block.some((line) => line.startsWith("data: ")))
    .map((block) => ({
      event: block.find((line) => line.startsWith("event: "))?.slice("event: ".length),
      data: block.find((line) => line.startsWith("data: "))?.slice("data: ".length) ?? "",
    }));
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("a shutdown that cuts streams", () => {
  it("ends each with the error as its last event and records 503; a client gone before records 499", async () => {
    const server = running as RunningServer;
    const url = server.url;
    const gone = new AbortController();
    const leaving = await chat(url, "fake-model", gone.signal);
    const opened = await Promise.all([
      chat(url, "fake-model"),
      chat(url, "sc@4:fake-model"),
      message(url, "fake-model"),
      message(url, "sc@4:fake-model"),
    ]);
    expect([leaving, ...opened].map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    // Bodies read to their end: a clean end of the HTTP body, as a client reading the stream sees it.
    const bodies = Promise.all(opened.map((response) => response.text()));
    // The pass-throughs relay some text before the cut.
    await new Promise((resolve) => setTimeout(resolve, 500));
    gone.abort();
    await until(() => lines.some((line) => line.status === 499));
    const report = await server.shutdown(100);
    expect(report).toEqual({ drained: false, cut: 4 });

    const [plain, voted, plainMessage, votedMessage] = await bodies;
    for (const body of [plain, voted]) {
      const sent = events(body as string);
      expect(body).not.toContain("[DONE]");
      const last = JSON.parse(sent.at(-1)?.data ?? "null");
      expect(last.error).toMatchObject({ code: "server_shutting_down" });
    }
    // The pass-through's text went out before the error: the cut comes after content.
    expect(events(plain as string).some((sent) => sent.data.includes('"content":"w0'))).toBe(true);
    for (const body of [plainMessage, votedMessage]) {
      const sent = events(body as string);
      expect(sent.map((one) => one.event)).not.toContain("message_stop");
      expect(sent.at(-1)?.event).toBe("error");
      const last = JSON.parse(sent.at(-1)?.data ?? "null");
      expect(last).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
      expect(last.error.message).toMatch(/shut down/);
    }
    expect(events(plainMessage as string).some((sent) => sent.data.includes('"text":"w0'))).toBe(true);

    const ended = lines.filter((line) => typeof line.status === "number" && line.requestId !== undefined);
    expect(ended.map((line) => line.status).sort()).toEqual([499, 503, 503, 503, 503]);
    expect(ended.filter((line) => line.status === 503).map((line) => line.route)).toEqual(
      expect.arrayContaining([
        "/v1/chat/completions",
        "/v1/chat/completions",
        "/v1/messages",
        "/v1/messages",
      ]),
    );
    const metrics =
      await assembled.server.metrics.registry.getSingleMetricAsString("mull_http_requests_total");
    const counted = (status: string) =>
      metrics
        .split("\n")
        .filter((line) => line.includes(`status="${status}"`) && line.includes('route="/v1/'))
        .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
    expect(counted("503")).toBe(4);
    expect(counted("499")).toBe(1);
  }, 30_000);
});
