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

function setup(backend: Backend = createScriptedBackend({ answers: { distribution: { "42": 1 } } })) {
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
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
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
