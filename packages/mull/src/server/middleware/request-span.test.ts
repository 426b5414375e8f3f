import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { Hono } from "hono";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultModelProfile } from "../../generation/index.ts";
import { programmaticScorer } from "../../scoring/index.ts";
import type { Backend } from "../../spec/index.ts";
import {
  type InMemorySpans,
  parentIdOf,
  registerInMemorySpans,
} from "../../telemetry/in-memory-spans.test-support.ts";
import { createScriptedBackend } from "../../testing/scripted-backend.ts";
import { parseServerConfig } from "../config/index.ts";
import { createServer } from "../create-server.ts";
import { requestSpan } from "../index.ts";

const key = "sk-test-key";

function setup(
  backend: Backend = createScriptedBackend({ answers: { distribution: { "42": 1 } } }),
  headers: Readonly<Record<string, string>> = {},
) {
  const config = parseServerConfig({
    server: { keepAliveMilliseconds: 30 },
    limits: { maxSamples: 16, maxTokens: 1000, defaultMaxTokens: 100, maxRequestTokens: 20_000 },
    upstreams: [{ name: "up", baseUrl: "https://llm.example.com/v1", models: ["m"] }],
  });
  const server = createServer({
    config,
    models: [
      {
        name: "m",
        upstream: "up",
        backend,
        kind: "other",
        profile: defaultModelProfile,
        contextWindow: undefined,
        scorer: programmaticScorer({ name: "checker", check: () => true }),
      },
    ],
    apiKeys: [key],
    logger: pino({ level: "silent" }),
  });
  return (path: string, body: unknown) =>
    server.app.request(path, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}`, ...headers },
      body: JSON.stringify(body),
    });
}

const chat = { model: "sc@4:m", messages: [{ role: "user", content: "What is 6 times 7?" }] };

describe("requestSpan", () => {
  let registered: InMemorySpans;
  beforeEach(() => {
    registered = registerInMemorySpans();
  });
  afterEach(() => {
    registered.restore();
  });

  it("records a server span per request, with its route and status, and the solve span under it", async () => {
    const post = setup();
    const response = await post("/v1/chat/completions", chat);
    expect(response.status).toBe(200);
    await response.text();
    const spans = registered.spans();
    const requests = spans.filter((span) => span.kind === SpanKind.SERVER);
    expect(requests).toHaveLength(1);
    const request = requests[0]!;
    expect(request.name).toBe("POST /v1/chat/completions");
    expect(request.attributes).toMatchObject({
      "http.request.method": "POST",
      "http.route": "/v1/chat/completions",
      "http.response.status_code": 200,
      "url.path": "/v1/chat/completions",
    });
    expect(request.status.code).toBe(SpanStatusCode.UNSET);
    const solveSpan = spans.find((span) => span.name === "mull.solve sc@4");
    expect(solveSpan).toBeDefined();
    expect(parentIdOf(solveSpan!)).toBe(request.spanContext().spanId);
    const generation = spans.find((span) => span.attributes["gen_ai.operation.name"] !== undefined);
    expect(parentIdOf(generation!)).toBe(solveSpan!.spanContext().spanId);
  });

  it("records the status of a refused request, and a 5xx as an error", async () => {
    const scripted = createScriptedBackend({ answers: { distribution: { "42": 1 } } });
    const failing: Backend = {
      describe: () => scripted.describe(),
      capabilities: () => scripted.capabilities(),
      generate: () => Promise.reject(new Error("upstream exploded")),
    };
    const post = setup(failing);
    const refused = await post("/v1/chat/completions", { model: "nope", messages: [] });
    const failed = await post("/v1/chat/completions", chat);
    expect(failed.status).toBeGreaterThanOrEqual(500);
    const requests = registered.spans().filter((span) => span.kind === SpanKind.SERVER);
    expect(requests.map((span) => span.attributes["http.response.status_code"])).toEqual([
      refused.status,
      failed.status,
    ]);
    expect(refused.status).toBe(400);
    expect(requests[0]!.status.code).toBe(SpanStatusCode.UNSET);
    expect(requests[1]!.status.code).toBe(SpanStatusCode.ERROR);
  });

  it("records a pass-through request's call as a client span under the server span, with its usage", async () => {
    const post = setup(createScriptedBackend({ answers: { distribution: { "42": 1 } }, model: "lab-m" }));
    const response = await post("/v1/chat/completions", { ...chat, model: "m", max_tokens: 50 });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    const spans = registered.spans();
    const request = spans.find((span) => span.kind === SpanKind.SERVER)!;
    const calls = spans.filter((span) => span.kind === SpanKind.CLIENT);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.name).toBe("chat lab-m");
    expect(parentIdOf(calls[0]!)).toBe(request.spanContext().spanId);
    expect(calls[0]!.attributes).toMatchObject({
      "gen_ai.request.model": "lab-m",
      "gen_ai.request.max_tokens": 50,
      "gen_ai.usage.input_tokens": body.usage.prompt_tokens,
      "gen_ai.usage.output_tokens": body.usage.completion_tokens,
      "mull.calls": 1,
    });
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
  });

  it("works on its own in a Hono app: one span per request, ended with the handler's response", async () => {
    const app = new Hono();
    app.use("*", requestSpan());
    app.get("/items/:id", (context) => context.text(`item ${context.req.param("id")}`));
    app.get("/broken", () => {
      throw new Error("handler exploded");
    });
    app.onError((error, context) => context.text(error.message, 500));
    const answered = await app.request("/items/7");
    expect(answered.status).toBe(200);
    expect(await answered.text()).toBe("item 7");
    const broken = await app.request("/broken");
    expect(broken.status).toBe(500);
    expect(await broken.text()).toBe("handler exploded");
    const missing = await app.request("/nowhere");
    expect(missing.status).toBe(404);
    const requests = registered.spans().filter((span) => span.kind === SpanKind.SERVER);
    expect(requests.map((span) => span.name)).toEqual(["GET /items/:id", "GET /broken", "GET"]);
    expect(requests[0]!.attributes).toMatchObject({
      "http.request.method": "GET",
      "http.route": "/items/:id",
      "http.response.status_code": 200,
      "url.path": "/items/7",
    });
    expect(requests[0]!.status.code).toBe(SpanStatusCode.UNSET);
    expect(requests[1]!.attributes["http.response.status_code"]).toBe(500);
    expect(requests[1]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(requests[2]!.attributes["http.response.status_code"]).toBe(404);
    expect(requests[2]!.attributes["http.route"]).toBeUndefined();
  });
});

describe("requestSpan with a registered propagator", () => {
  const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  let registered: InMemorySpans;
  beforeEach(() => {
    registered = registerInMemorySpans({ propagate: true });
  });
  afterEach(() => {
    registered.restore();
  });

  it("continues the trace a request's traceparent names, its server span the caller's span's child", async () => {
    const post = setup(undefined, { traceparent });
    const response = await post("/v1/chat/completions", chat);
    expect(response.status).toBe(200);
    await response.text();
    const spans = registered.spans();
    const request = spans.find((span) => span.kind === SpanKind.SERVER)!;
    expect(request.spanContext().traceId).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(parentIdOf(request)).toBe("b7ad6b7169203331");
    expect(new Set(spans.map((span) => span.spanContext().traceId))).toEqual(
      new Set(["0af7651916cd43dd8448eb211c80319c"]),
    );
  });

  it("starts a trace of its own for a request without one", async () => {
    const response = await setup()("/v1/chat/completions", chat);
    await response.text();
    const request = registered.spans().find((span) => span.kind === SpanKind.SERVER)!;
    expect(parentIdOf(request)).toBeUndefined();
  });
});
