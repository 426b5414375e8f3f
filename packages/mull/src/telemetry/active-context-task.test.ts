import { context, trace } from "@opentelemetry/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { activeContextTask } from "./active-context-task.ts";
import { type InMemorySpans, registerInMemorySpans } from "./in-memory-spans.test-support.ts";
import { mullTracer } from "./mull-tracer.ts";

describe("activeContextTask", () => {
  let registered: InMemorySpans;
  beforeEach(() => {
    registered = registerInMemorySpans();
  });
  afterEach(() => {
    registered.restore();
  });

  it("runs the task in the context it was made in, wherever it is started from", async () => {
    const queuer = mullTracer().startSpan("queuer");
    const other = mullTracer().startSpan("other");
    const task = context.with(trace.setSpan(context.active(), queuer), () =>
      activeContextTask(async () => trace.getActiveSpan()),
    );
    // Started from another span's context, as a queue started by another task's end would.
    const seen = await context.with(trace.setSpan(context.active(), other), task);
    expect(seen).toBe(queuer);
    queuer.end();
    other.end();
  });
});
