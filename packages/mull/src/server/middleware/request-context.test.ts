import { Hono } from "hono";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createServerMetrics } from "../telemetry/index.ts";
import { type RequestContextVariables, requestContext } from "./request-context.ts";

function setup(draining = false) {
  const metrics = createServerMetrics();
  const app = new Hono<{ Variables: RequestContextVariables }>();
  app.use("*", requestContext({ logger: pino({ level: "silent" }), metrics, draining: () => draining }));
  return { app, metrics };
}

describe("requestContext", () => {
  it("gives every response its request id, and counts it by route pattern", async () => {
    const { app, metrics } = setup();
    app.get("/items/:id", (context) => context.text(context.var.requestId));
    const response = await app.request("/items/7");
    expect(response.headers.get("x-request-id")).toBe(await response.text());
    expect((await app.request("/elsewhere")).status).toBe(404);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/mull_http_requests_total\{route="\/items\/:id",method="GET",status="200"\} 1/);
    expect(text).toMatch(/mull_http_requests_total\{route="unmatched",method="GET",status="404"\} 1/);
  });

  it("labels a request refused before its route ran (a key check) by the route its path matches", async () => {
    const { app, metrics } = setup();
    app.use("/v1/*", async (context, next) => {
      if (context.req.header("authorization") === undefined) return context.text("no key", 401);
      return next();
    });
    app.post("/v1/chat/completions", (context) => context.text("answer"));
    app.all("/v1/chat/completions", (context) => context.text("POST only", 405));
    expect((await app.request("/v1/chat/completions", { method: "POST" })).status).toBe(401);
    expect((await app.request("/v1/chat/completions")).status).toBe(401);
    expect((await app.request("/v1/elsewhere", { method: "POST" })).status).toBe(401);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(
      /mull_http_requests_total\{route="\/v1\/chat\/completions",method="POST",status="401"\} 1/,
    );
    expect(text).toMatch(
      /mull_http_requests_total\{route="\/v1\/chat\/completions",method="GET",status="401"\} 1/,
    );
    expect(text).toMatch(/mull_http_requests_total\{route="unmatched",method="POST",status="401"\} 1/);
  });

  it("says connection: close while draining", async () => {
    const { app } = setup(true);
    app.get("/", (context) => context.text("ok"));
    expect((await app.request("/")).headers.get("connection")).toBe("close");
  });

  it("ends a deferred response when its stream ends, even before the handler has returned", async () => {
    const { app, metrics } = setup();
    const ended: number[] = [];
    app.get("/stream", (context) => {
      context.var.responseEnd.onEnd((status) => ended.push(status));
      const finish = context.var.responseEnd.defer();
      finish(200);
      finish(499);
      return context.text("done");
    });
    let later: (() => void) | undefined;
    app.get("/later", (context) => {
      context.var.responseEnd.onEnd((status) => ended.push(status));
      const finish = context.var.responseEnd.defer();
      later = () => finish(206);
      return context.text("streaming");
    });
    await app.request("/stream");
    await app.request("/later");
    expect(ended).toEqual([200]);
    expect(await metrics.registry.metrics()).not.toMatch(/route="\/later"/);
    later?.();
    expect(ended).toEqual([200, 206]);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/mull_http_requests_total\{route="\/stream",method="GET",status="200"\} 1/);
    expect(text).toMatch(/mull_http_requests_total\{route="\/later",method="GET",status="206"\} 1/);
  });
});
