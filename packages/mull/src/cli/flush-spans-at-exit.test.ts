import { trace } from "@opentelemetry/api";
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it, vi } from "vitest";
import { mullTracer } from "../telemetry/index.ts";
import { runCli } from "./main.ts";

// A one-shot command's last spans sit in the SDK's batching processor (NodeSDK exports every 5 s, on a
// timer that does not keep the process alive): `runCli` flushes the registered provider before it returns.

describe("runCli with a registered tracer provider", () => {
  afterEach(() => {
    trace.disable();
    vi.restoreAllMocks();
  });

  it("exports the spans a batching processor still holds before it returns, whatever the exit code", async () => {
    const exporter = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({
        spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 60_000 })],
      }),
    );
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    mullTracer().startSpan("mull.solve sc@4").end();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    expect(await runCli(["--version"], { from: "user" })).toBe(0);
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(["mull.solve sc@4"]);
    mullTracer().startSpan("mull.solve bon@4").end();
    expect(await runCli(["models", "--no-such-flag"], { from: "user" })).toBe(2);
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual([
      "mull.solve sc@4",
      "mull.solve bon@4",
    ]);
  });
});
