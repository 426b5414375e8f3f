import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AttemptTimeout, createOpenAICompatibleBackend } from "../../backends/openai-compatible/index.ts";
import { useTokenizerServers } from "../../backends/openai-compatible/tokenizer-server.test-support.ts";
import { CapabilityError } from "../../errors/index.ts";
import { manualClock, seededRng } from "../../runtime/index.ts";
import { startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { createAddressPolicy, createGuardedFetch, type GuardedFetch } from "../network/index.ts";
import { createServerMetrics } from "../telemetry/index.ts";
import { type CircuitBreaker, type CircuitVerdict, createCircuitBreaker } from "./circuit-breaker.ts";
import { observedFetch, type UpstreamCallKind, upstreamCallKind } from "./observed-fetch.ts";
import { outsideCircuits } from "./outside-circuits.ts";

// An upstream that sends its 200 headers and one event, then resets the connection (`/cut`); one that
// sends a whole stream (`/whole`); one that ends its stream 300 ms after its headers (`/slow`); one that
// sends an error status (`/busy`); one that stops sending but keeps the connection open (`/stall`); one
// that answers with the start of a whole JSON response and holds the rest back (`/json/…`); tokenizer
// routes that answer (`/tokenize`), are missing (`/missing/tokenize`) or fail (`/broken/tokenize`); discovery
// routes that answer (`/version`), are missing (`/missing/version`) or fail (`/loading/props`).

let server: Server;
let base: string;
let guarded: GuardedFetch;
let circuit: CircuitBreaker;
let observed: { outcome: string; seconds: number; kind: UpstreamCallKind }[];
/** Whether the connection of each `/json/…` request has closed, in order. */
let jsonConnections: { closed: boolean }[];
/** How long `/slow` holds its body's end back after its headers. */
const bodyDelayMilliseconds = 300;

beforeEach(async () => {
  jsonConnections = [];
  server = createServer((request, response) => {
    request.resume();
    if (request.url?.startsWith("/json/") === true) {
      const connection = { closed: false };
      jsonConnections.push(connection);
      request.socket.once("close", () => {
        connection.closed = true;
      });
      response.writeHead(200, { "content-type": "application/json" });
      response.write('{"id":"whole","object":"chat.completion","choices":[');
      return;
    }
    const tokenizerStatuses: Record<string, number> = {
      "/tokenize": 200,
      "/missing/tokenize": 404,
      "/broken/tokenize": 503,
      "/version": 200,
      "/missing/version": 404,
      "/loading/props": 503,
    };
    const tokenizerStatus = tokenizerStatuses[request.url ?? ""];
    if (tokenizerStatus !== undefined) {
      response.writeHead(tokenizerStatus, { "content-type": "application/json" });
      response.end(tokenizerStatus === 200 ? '{"tokens":[1,2,3]}' : '{"error":{"message":"no"}}');
      return;
    }
    if (request.url === "/busy") {
      response.writeHead(429, { "content-type": "application/json" });
      response.end('{"error":{"message":"busy"}}');
      return;
    }
    response.writeHead(200, { "content-type": "text/event-stream" });
    response.write('data: {"choices":[{"index":0,"delta":{"content":"Hel"}}]}\n\n');
    if (request.url === "/cut") setTimeout(() => response.socket?.resetAndDestroy(), 20);
    if (request.url === "/whole") response.end("data: [DONE]\n\n");
    if (request.url === "/slow") setTimeout(() => response.end("data: [DONE]\n\n"), bodyDelayMilliseconds);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  guarded = createGuardedFetch({ policy: createAddressPolicy(["127.0.0.1/32"]) });
  circuit = createCircuitBreaker({ failureThreshold: 3, cooldownMilliseconds: 10_000, clock: manualClock() });
  observed = [];
});

afterEach(async () => {
  guarded.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function fetchFunction(): typeof fetch {
  return observedFetch(
    guarded,
    "up",
    (_upstream, outcome, seconds, kind) => observed.push({ outcome, seconds, kind }),
    circuit,
  );
}

/** Reads a body to its end; resolves with the error that ended it, if one did. */
async function readAll(response: Response): Promise<unknown> {
  const reader = response.body!.getReader();
  try {
    for (;;) if ((await reader.read()).done) return undefined;
  } catch (error) {
    return error;
  }
}

describe("observedFetch", () => {
  it("counts a stream cut after its 200 headers as one failure, never as a success, and opens the circuit", async () => {
    const call = fetchFunction();
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const response = await call(`${base}/cut`);
      expect(response.status).toBe(200);
      // Nothing is counted while the body is still coming.
      expect(observed).toHaveLength(attempt - 1);
      expect(await readAll(response)).toBeInstanceOf(Error);
      expect(observed.map((entry) => entry.outcome)).toEqual(Array(attempt).fill("network-error"));
    }
    expect(circuit.state()).toBe("open");
    const refused = await call(`${base}/whole`).catch((error: unknown) => error);
    expect((refused as Error).message).toMatch(/circuit/i);
    expect(observed).toHaveLength(3);
  });

  it("counts a stream read to its end once, by its status, and the time to its headers", async () => {
    const call = fetchFunction();
    await readAll(await call(`${base}/cut`));
    await readAll(await call(`${base}/cut`));
    const response = await call(`${base}/whole`);
    expect(await response.text()).toContain("data: [DONE]");
    expect(observed.map((entry) => entry.outcome)).toEqual(["network-error", "network-error", "200"]);
    // The success reset the failure count: two more cuts do not reach the threshold of three.
    await readAll(await call(`${base}/cut`));
    await readAll(await call(`${base}/cut`));
    expect(circuit.state()).toBe("closed");
    expect(observed[2]!.seconds).toBeGreaterThanOrEqual(0);
  });

  it("observes the seconds to a stream's headers, not to the end of its body", async () => {
    const sent = performance.now();
    const response = await fetchFunction()(`${base}/slow`);
    // The headers had arrived by the time the response came back, so they took at most this long.
    const headersWithin = (performance.now() - sent) / 1000;
    expect(observed).toHaveLength(0);
    expect(await response.text()).toContain("data: [DONE]");
    const ended = (performance.now() - sent) / 1000;
    // The upstream held the body's end back: the whole stream took at least that long.
    expect(ended).toBeGreaterThanOrEqual((bodyDelayMilliseconds - 10) / 1000);
    expect(observed.map((entry) => entry.outcome)).toEqual(["200"]);
    expect(observed[0]!.seconds).toBeGreaterThanOrEqual(0);
    // Timed to the body's end it would exceed the time the test saw the headers arrive by.
    expect(observed[0]!.seconds).toBeLessThanOrEqual(headersWithin);
  });

  it("counts a body its reader cancelled as a success, once", async () => {
    const response = await fetchFunction()(`${base}/stall`);
    const reader = response.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    await reader.cancel();
    await reader.cancel();
    expect(observed.map((entry) => entry.outcome)).toEqual(["200"]);
  });

  it("counts an error status when its headers arrive, as before", async () => {
    const call = fetchFunction();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const response = await call(`${base}/busy`);
      expect(response.status).toBe(429);
      await response.text();
    }
    expect(observed.map((entry) => entry.outcome)).toEqual(["429", "429", "429"]);
    expect(circuit.state()).toBe("open");
  });

  it("counts a stream its caller aborted as aborted, which leaves the circuit alone", async () => {
    const call = fetchFunction();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const controller = new AbortController();
      const response = await call(`${base}/stall`, { signal: controller.signal });
      const reading = readAll(response);
      controller.abort(new DOMException("the client went away", "AbortError"));
      expect(await reading).toBeDefined();
    }
    expect(observed.map((entry) => entry.outcome)).toEqual(["aborted", "aborted", "aborted"]);
    expect(circuit.state()).toBe("closed");
  });

  it("counts a 200 whose body nobody read as unread when its call is aborted, once, leaving the circuit alone", async () => {
    const metrics = createServerMetrics();
    const call = observedFetch(guarded, "up", metrics.observeUpstreamCall, circuit);
    const unread = async () =>
      (await metrics.registry.getSingleMetric("mull_upstream_requests_total")?.get())?.values
        .filter((value) => value.labels.outcome === "unread")
        .map((value) => value.value) ?? [];
    const responses: Response[] = [];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const controller = new AbortController();
      const response = await call(`${base}/stall`, { signal: controller.signal });
      expect(response.status).toBe(200);
      responses.push(response);
      // Answered, but not settled: nothing is counted while the body might still be read.
      expect(await unread()).toEqual(attempt === 0 ? [] : [attempt]);
      controller.abort(
        attempt === 2
          ? new AttemptTimeout("deadline")
          : new DOMException("the client went away", "AbortError"),
      );
    }
    // The outcome goes to the circuit first, then to the metrics.
    await new Promise((resolve) => setImmediate(resolve));
    expect(await unread()).toEqual([3]);
    // Reading a body after its call was aborted fails, and counts nothing again.
    for (const response of responses) expect(await readAll(response)).toBeDefined();
    expect(await unread()).toEqual([3]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('mull_upstream_requests_total{upstream="up",outcome="unread"} 3');
    expect(text).not.toMatch(/outcome="(200|aborted)"/);
    // The upstream answered: neither the aborts nor the caller's deadline are its failures.
    expect(circuit.state()).toBe("closed");
    metrics.close();
  });

  it("counts a 200 whose body its reader cancelled before reading any as unread, once, leaving the circuit alone", async () => {
    const call = fetchFunction();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const response = await call(`${base}/stall`);
      expect(observed).toHaveLength(attempt);
      await response.body!.cancel();
      await response.body!.cancel().catch(() => undefined);
    }
    expect(observed.map((entry) => entry.outcome)).toEqual(["unread", "unread", "unread"]);
    expect(circuit.state()).toBe("closed");
  });

  it("counts a whole answer to a watched request, which the backend does not read, as unread in /metrics and lets its connection go", async () => {
    const metrics = createServerMetrics();
    const backend = createOpenAICompatibleBackend({
      baseUrl: `${base}/json/v1`,
      model: "whole",
      capabilities: { n: true, logprobs: true, topLogprobs: true },
      fetch: observedFetch(guarded, "up", metrics.observeUpstreamCall, circuit),
    });
    const prompt = { kind: "chat" as const, messages: [{ role: "user" as const, content: "count" }] };
    const error = await backend
      .generate({ prompt }, { watch: () => "continue" })
      .catch((thrown: unknown) => thrown);
    expect((error as Error).message).toMatch(/answered with a whole response, not a stream/);
    const text = await metrics.registry.metrics();
    expect(text).toContain('mull_upstream_requests_total{upstream="up",outcome="unread"} 1');
    expect(text).not.toMatch(/outcome="(200|aborted|network-error)"/);
    expect(circuit.state()).toBe("closed");
    // The cancelled body is drained for a while, then its connection closed: it does not stay busy.
    await vi.waitFor(() => expect(jsonConnections).toEqual([{ closed: true }]), { timeout: 3_000 });
    await backend.dispose();
    metrics.close();
  });

  it("counts a stream its caller's stall timeout ended as a failure", async () => {
    const call = fetchFunction();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const controller = new AbortController();
      const response = await call(`${base}/stall`, { signal: controller.signal });
      const reading = readAll(response);
      controller.abort(new AttemptTimeout("stall"));
      expect(await reading).toBeDefined();
    }
    // The metrics keep their label for a timed-out attempt; the circuit counts it as a failure.
    expect(observed.map((entry) => entry.outcome)).toEqual(["aborted", "aborted", "aborted"]);
    expect(circuit.state()).toBe("open");
  });
});

describe("upstreamCallKind", () => {
  it("tells the tokenizer routes, beside /v1 under any prefix, from every other request", () => {
    expect(upstreamCallKind("http://127.0.0.1:8080/tokenize")).toBe("tokenizer");
    expect(upstreamCallKind(new URL("https://llm.example.com/proxy/apply-template"))).toBe("tokenizer");
    expect(upstreamCallKind(new Request("http://127.0.0.1:8080/tokenize?x=1", { method: "POST" }))).toBe(
      "tokenizer",
    );
    expect(upstreamCallKind("http://127.0.0.1:8080/v1/chat/completions")).toBe("generation");
    expect(upstreamCallKind("http://127.0.0.1:8080/detokenize")).toBe("generation");
    expect(upstreamCallKind("not a url")).toBe("generation");
  });

  it("tells the discovery routes, beside /v1 under any prefix, from generation requests", () => {
    expect(upstreamCallKind("http://127.0.0.1:8080/props")).toBe("discovery");
    expect(upstreamCallKind("https://llm.example.com/proxy/version")).toBe("discovery");
    expect(upstreamCallKind(new URL("http://127.0.0.1:8080/props?model=x"))).toBe("discovery");
    expect(upstreamCallKind("http://127.0.0.1:8080/v1/models")).toBe("generation");
    expect(upstreamCallKind("http://127.0.0.1:8080/v1/completions")).toBe("generation");
  });
});

describe("observedFetch: requests that stay out of the circuit", () => {
  it("never records a discovery request in the circuit: a loading or missing route does not open it, an answer resets nothing", async () => {
    const call = fetchFunction();
    // Threshold 3: five loading and five missing discovery routes leave it closed.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await call(`${base}/loading/props`)).status).toBe(503);
      expect((await call(`${base}/missing/version`)).status).toBe(404);
    }
    expect(circuit.state()).toBe("closed");
    await readAll(await call(`${base}/cut`));
    await readAll(await call(`${base}/cut`));
    const answered = await call(`${base}/version`);
    expect(answered.status).toBe(200);
    await answered.text();
    await readAll(await call(`${base}/cut`));
    expect(circuit.state()).toBe("open");
    expect(observed.map((entry) => `${entry.kind} ${entry.outcome}`)).toEqual([
      ...Array.from({ length: 5 }, () => ["discovery 503", "discovery 404"]).flat(),
      "generation network-error",
      "generation network-error",
      "discovery 200",
      "generation network-error",
    ]);
    const refused = await call(`${base}/version`).catch((error: unknown) => error);
    expect((refused as Error).message).toMatch(/circuit/i);
  });

  it("observes the generation requests made outside circuits, failures and successes, without recording them", async () => {
    const call = fetchFunction();
    await outsideCircuits(async () => {
      for (let attempt = 0; attempt < 5; attempt += 1) await readAll(await call(`${base}/cut`));
      await (await call(`${base}/busy`)).text();
    });
    expect(circuit.state()).toBe("closed");
    // Two failures counted, then a success outside circuits: it does not reset them, the third opens it.
    await readAll(await call(`${base}/cut`));
    await readAll(await call(`${base}/cut`));
    await outsideCircuits(async () => readAll(await call(`${base}/whole`)));
    expect(circuit.state()).toBe("closed");
    await readAll(await call(`${base}/cut`));
    expect(circuit.state()).toBe("open");
    expect(observed.map((entry) => `${entry.kind} ${entry.outcome}`)).toEqual([
      ...Array<string>(5).fill("generation network-error"),
      "generation 429",
      "generation network-error",
      "generation network-error",
      "generation 200",
      "generation network-error",
    ]);
  });
});

describe("observedFetch: tokenizer requests", () => {
  const startTokenizerServer = useTokenizerServers();

  it("never records a tokenizer request in the circuit: failures do not open it, a success resets nothing", async () => {
    const call = fetchFunction();
    // Threshold 3: five failed and five missing tokenizer routes leave it closed.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await call(`${base}/broken/tokenize`, { method: "POST" })).status).toBe(503);
      expect((await call(`${base}/missing/tokenize`, { method: "POST" })).status).toBe(404);
    }
    expect(circuit.state()).toBe("closed");
    // Two failed generations, a counted prompt, one more failed generation: the count did not reset them.
    await readAll(await call(`${base}/cut`));
    await readAll(await call(`${base}/cut`));
    expect(await (await call(`${base}/tokenize`, { method: "POST" })).json()).toEqual({ tokens: [1, 2, 3] });
    expect(circuit.state()).toBe("closed");
    await readAll(await call(`${base}/cut`));
    expect(circuit.state()).toBe("open");
    expect(observed.map((entry) => `${entry.kind} ${entry.outcome}`)).toEqual([
      ...Array.from({ length: 5 }, () => ["tokenizer 503", "tokenizer 404"]).flat(),
      "generation network-error",
      "generation network-error",
      "tokenizer 200",
      "generation network-error",
    ]);
  });

  it("lets a tokenizer request through a half-open circuit without deciding its trial, and none through an open one", async () => {
    const clock = manualClock();
    circuit = createCircuitBreaker({ failureThreshold: 1, cooldownMilliseconds: 1_000, clock });
    const call = fetchFunction();
    await (await call(`${base}/busy`)).text();
    expect(circuit.state()).toBe("open");
    const refused = await call(`${base}/tokenize`, { method: "POST" }).catch((error: unknown) => error);
    expect((refused as Error).message).toMatch(/circuit/i);
    clock.advance(1_000);
    expect(circuit.state()).toBe("half-open");
    expect((await call(`${base}/tokenize`, { method: "POST" })).status).toBe(200);
    await (await call(`${base}/missing/tokenize`, { method: "POST" })).text();
    await (await call(`${base}/broken/tokenize`, { method: "POST" })).text();
    expect(circuit.state()).toBe("half-open");
    await (await call(`${base}/whole`)).text();
    expect(circuit.state()).toBe("closed");
  });

  it("counts the HTTP backend's prompt counts in /metrics apart, and a server without the route is asked once", async () => {
    const tokenizer = await startTokenizerServer({ dialect: "llama.cpp", replies: [{ status: 404 }] });
    const metrics = createServerMetrics();
    circuit = createCircuitBreaker({
      failureThreshold: 1,
      cooldownMilliseconds: 10_000,
      clock: manualClock(),
    });
    const backend = createOpenAICompatibleBackend({
      baseUrl: tokenizer.url,
      model: "fake",
      fetch: observedFetch(guarded, "up", metrics.observeUpstreamCall, circuit),
    });
    const prompt = { kind: "text" as const, text: "Q: 2+2=? A:" };
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const error = await backend.countTokens?.(prompt).catch((thrown: unknown) => thrown);
      expect(CapabilityError.isInstance(error)).toBe(true);
    }
    expect(tokenizer.requests.map((request) => request.path)).toEqual(["/tokenize"]);
    expect(circuit.state()).toBe("closed");
    const text = await metrics.registry.metrics();
    expect(text).toContain('mull_upstream_tokenizer_requests_total{upstream="up",outcome="404"} 1');
    // Only the discovery's GET /props (200) and GET /version (404, llama.cpp has none) count there.
    const requests = await metrics.registry.getSingleMetric("mull_upstream_requests_total")?.get();
    const outcomes = requests?.values.map((value) => [String(value.labels.outcome), value.value]);
    expect(outcomes?.sort()).toEqual([
      ["200", 1],
      ["404", 1],
    ]);
    await backend.dispose();
    metrics.close();
  });
});

describe("observedFetch: a kept-alive connection the upstream dropped", () => {
  const prompt = { kind: "text" as const, text: "Q: 2+2=? A:" };

  /** A backend on `url` through the observed guarded fetch, with the circuit's verdicts and the metrics' outcomes. */
  function observedBackend(url: string, retries: { maxRetries: number; retryDelayMilliseconds: number }) {
    const metrics = createServerMetrics();
    const verdicts: CircuitVerdict[] = [];
    const record = circuit.record.bind(circuit);
    const recording: CircuitBreaker = {
      ...circuit,
      record: (verdict) => {
        verdicts.push(verdict);
        record(verdict);
      },
    };
    const backend = createOpenAICompatibleBackend({
      baseUrl: url,
      model: "fake-model",
      tokenizer: "none",
      rng: seededRng(1),
      fetch: observedFetch(guarded, "up", metrics.observeUpstreamCall, recording),
      ...retries,
    });
    const outcomes = async () => {
      const counted = await metrics.registry.getSingleMetric("mull_upstream_requests_total")?.get();
      return Object.fromEntries(counted?.values.map((value) => [value.labels.outcome, value.value]) ?? []);
    };
    return { backend, metrics, verdicts, outcomes };
  }

  it("sends the request again at once on a fresh connection: no failure in /metrics or the circuit, no retry, no backoff", async () => {
    // The second generation request comes on the first one's kept-alive connection and is dropped unanswered.
    const upstream = await startFakeOpenAIServer({ replies: ["4", { fault: "reset" }, "5"] });
    const { backend, metrics, verdicts, outcomes } = observedBackend(upstream.url, {
      maxRetries: 1,
      retryDelayMilliseconds: 3_000,
    });
    try {
      expect((await backend.generate({ prompt })).completions[0]?.text).toBe("4");
      const sent = performance.now();
      expect((await backend.generate({ prompt })).completions[0]?.text).toBe("5");
      // A retry would have waited at least half its 3 s delay.
      expect(performance.now() - sent).toBeLessThan(1_500);
      expect(guarded.resent()).toBe(1);
      const generations = upstream.requests.filter((request) => request.endpoint === "completions");
      expect(generations).toHaveLength(3);
      const counted = await outcomes();
      expect(counted["200"]).toBe(2);
      expect(counted["network-error"]).toBeUndefined();
      expect(verdicts.filter((verdict) => verdict !== "neutral")).toEqual(["success", "success"]);
    } finally {
      await backend.dispose();
      metrics.close();
      await upstream.close();
    }
  });

  it("still counts an upstream that resets every connection as failing, each attempt, retried per maxRetries", async () => {
    const upstream = await startFakeOpenAIServer({ replies: ["4"], handler: () => ({ fault: "reset" }) });
    const { backend, metrics, verdicts, outcomes } = observedBackend(upstream.url, {
      maxRetries: 2,
      retryDelayMilliseconds: 20,
    });
    try {
      await backend.generate({ prompt });
      const error = await backend.generate({ prompt }).catch((thrown: unknown) => thrown);
      expect((error as Error).message).toMatch(/ECONNRESET[\s\S]*gave up after 3 attempts/);
      // The first attempt's reused connection was sent again once; its fresh connection was reset too.
      expect(guarded.resent()).toBe(1);
      const generations = upstream.requests.filter((request) => request.endpoint === "completions");
      expect(generations).toHaveLength(1 + 3 + 1);
      expect((await outcomes())["network-error"]).toBe(3);
      expect(verdicts.filter((verdict) => verdict !== "neutral")).toEqual([
        "success",
        "failure",
        "failure",
        "failure",
      ]);
      expect(circuit.state()).toBe("open");
    } finally {
      await backend.dispose();
      metrics.close();
      await upstream.close();
    }
  });
});
