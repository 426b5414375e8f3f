import { trace } from "@opentelemetry/api";
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it } from "vitest";
import { flushTracerProvider, tracerFlushUnfinished } from "./flush-tracer-provider.ts";
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
    let release: () => void = () => undefined;
    const hanging = Object.assign(new BasicTracerProvider(), {
      forceFlush: () => new Promise<void>((resolve) => (release = () => resolve())),
    });
    trace.setGlobalTracerProvider(hanging);
    const started = performance.now();
    expect(await flushTracerProvider(50)).toBe("timed-out");
    expect(performance.now() - started).toBeLessThan(1_000);
    release();
    trace.disable();
    const failing = Object.assign(new BasicTracerProvider(), {
      forceFlush: () => Promise.reject(new Error("collector down")),
    });
    trace.setGlobalTracerProvider(failing);
    expect(await flushTracerProvider(1_000)).toBe("failed");
  });

  it("says whether a flush it stopped waiting for still runs, until that flush ends", async () => {
    const exporter = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({
        spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 60_000 })],
      }),
    );
    expect(await flushTracerProvider(1_000)).toBe("flushed");
    expect(tracerFlushUnfinished()).toBe(false);
    trace.disable();
    let finish: () => void = () => undefined;
    let fail: (error: Error) => void = () => undefined;
    const stalled = Object.assign(new BasicTracerProvider(), {
      forceFlush: () =>
        new Promise<void>((resolve, reject) => {
          finish = () => resolve();
          fail = reject;
        }),
    });
    trace.setGlobalTracerProvider(stalled);
    expect(await flushTracerProvider(20)).toBe("timed-out");
    const failing = fail;
    expect(await flushTracerProvider(20)).toBe("timed-out");
    expect(tracerFlushUnfinished()).toBe(true);
    finish();
    await new Promise((resolve) => setImmediate(resolve));
    // The first flush still runs; a failed flush has ended too.
    expect(tracerFlushUnfinished()).toBe(true);
    failing(new Error("collector down"));
    await new Promise((resolve) => setImmediate(resolve));
    expect(tracerFlushUnfinished()).toBe(false);
  });
});
