import { trace } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import { type InMemorySpans, registerInMemorySpans } from "./in-memory-spans.test-support.ts";
import { incomingTraceContext } from "./incoming-trace-context.ts";

const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

describe("incomingTraceContext", () => {
  let registered: InMemorySpans | undefined;
  afterEach(() => {
    registered?.restore();
    registered = undefined;
  });

  it("reads the caller's span from a traceparent header", () => {
    registered = registerInMemorySpans({ propagate: true });
    const caller = trace.getSpanContext(incomingTraceContext(new Headers({ traceparent })));
    expect(caller).toMatchObject({
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      traceFlags: 1,
      isRemote: true,
    });
  });

  it("finds no caller without a registered propagator, or without the header", () => {
    registered = registerInMemorySpans();
    expect(trace.getSpanContext(incomingTraceContext(new Headers({ traceparent })))).toBeUndefined();
    registered.restore();
    registered = registerInMemorySpans({ propagate: true });
    expect(trace.getSpanContext(incomingTraceContext(new Headers({ accept: "*/*" })))).toBeUndefined();
  });
});
