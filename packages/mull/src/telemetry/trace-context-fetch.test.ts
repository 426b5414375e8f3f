import { context, trace } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import { type InMemorySpans, registerInMemorySpans, traceparentOf } from "./in-memory-spans.test-support.ts";
import { mullTracer } from "./mull-tracer.ts";
import { traceContextFetch } from "./trace-context-fetch.ts";

/** A `fetch` that answers 204 and keeps what it was called with. */
function recordingFetch() {
  const calls: { input: Parameters<typeof fetch>[0]; init: RequestInit | undefined }[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    calls.push({ input, init });
    return new Response(null, { status: 204 });
  };
  return { calls, fetch };
}

describe("traceContextFetch", () => {
  let registered: InMemorySpans | undefined;
  afterEach(() => {
    registered?.restore();
    registered = undefined;
  });

  it("sends the active span as the request's traceparent, beside the request's own headers", async () => {
    registered = registerInMemorySpans({ propagate: true });
    const { calls, fetch } = recordingFetch();
    const span = mullTracer().startSpan("chat m");
    await context.with(trace.setSpan(context.active(), span), () =>
      traceContextFetch(fetch)("http://upstream.test/v1/chat/completions", {
        method: "POST",
        headers: { authorization: "Bearer k", traceparent: "00-stale" },
        body: "{}",
      }),
    );
    span.end();
    const headers = new Headers(calls[0]?.init?.headers);
    expect(headers.get("traceparent")).toBe(traceparentOf(registered.spans()[0]!));
    expect(headers.get("authorization")).toBe("Bearer k");
    expect(calls[0]?.init?.method).toBe("POST");
    expect(calls[0]?.init?.body).toBe("{}");
  });

  it("keeps the headers of a Request given without init", async () => {
    registered = registerInMemorySpans({ propagate: true });
    const { calls, fetch } = recordingFetch();
    const span = mullTracer().startSpan("chat m");
    const request = new Request("http://upstream.test/v1/models", { headers: { "x-team": "lab" } });
    await context.with(trace.setSpan(context.active(), span), () => traceContextFetch(fetch)(request));
    span.end();
    const headers = new Headers(calls[0]?.init?.headers);
    expect(headers.get("x-team")).toBe("lab");
    expect(headers.get("traceparent")).toBe(traceparentOf(registered.spans()[0]!));
  });

  it("passes the request through untouched without a registered propagator", async () => {
    registered = registerInMemorySpans();
    const { calls, fetch } = recordingFetch();
    const init: RequestInit = { method: "POST", headers: { authorization: "Bearer k" } };
    const span = mullTracer().startSpan("chat m");
    await context.with(trace.setSpan(context.active(), span), () =>
      traceContextFetch(fetch)("http://upstream.test/v1/completions", init),
    );
    span.end();
    expect(calls[0]?.init).toBe(init);
  });

  it("sends no trace context outside any span", async () => {
    registered = registerInMemorySpans({ propagate: true });
    const { calls, fetch } = recordingFetch();
    await traceContextFetch(fetch)("http://upstream.test/v1/completions", { method: "POST" });
    expect(new Headers(calls[0]?.init?.headers).has("traceparent")).toBe(false);
  });
});
