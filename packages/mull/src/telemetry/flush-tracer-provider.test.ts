import { trace } from "@opentelemetry/api";
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it } from "vitest";
import { flushTracerProvider } from "./flush-tracer-provider.ts";
import { mullTracer } from "./mull-tracer.ts";

describe("flushTracerProvider", () => {
  afterEach(() => {
    trace.disable();
  });

  it("exports the spans a batching processor still holds", async () => {
    const exporter = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({
        spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 60_000 })],
      }),
    );
    mullTracer().startSpan("POST /v1/chat/completions").end();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    expect(await flushTracerProvider(1_000)).toBe("flushed");
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(["POST /v1/chat/completions"]);
  });

  it("does nothing without a registered provider", async () => {
    expect(await flushTracerProvider(1_000)).toBe("nothing-to-flush");
  });

  it("stops waiting at the bound, and tells a flush that failed", async () => {
    const hanging = Object.assign(new BasicTracerProvider(), {
      forceFlush: () => new Promise<void>(() => undefined),
    });
    trace.setGlobalTracerProvider(hanging);
    const started = performance.now();
    expect(await flushTracerProvider(50)).toBe("timed-out");
    expect(performance.now() - started).toBeLessThan(1_000);
    trace.disable();
    const failing = Object.assign(new BasicTracerProvider(), {
      forceFlush: () => Promise.reject(new Error("collector down")),
    });
    trace.setGlobalTracerProvider(failing);
    expect(await flushTracerProvider(1_000)).toBe("failed");
  });
});
