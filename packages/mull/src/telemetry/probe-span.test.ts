import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Prompt } from "../spec/index.ts";
import { type InMemorySpans, parentIdOf, registerInMemorySpans } from "./in-memory-spans.test-support.ts";
import { withProbeSpan } from "./probe-span.ts";
import { withSpan } from "./with-span.ts";

const prompt: Prompt = { kind: "chat", messages: [{ role: "user", content: "1+1=?" }] };
const request = {
  prompt,
  model: "qwen2.5-7b",
  backend: "openai-compatible",
  n: 2,
  temperature: 1,
  maxTokens: 1,
};

describe("withProbeSpan", () => {
  let registered: InMemorySpans;
  beforeEach(() => {
    registered = registerInMemorySpans();
  });
  afterEach(() => {
    registered.restore();
  });

  it("records a probe request as a client span marked mull.probe, active while it runs", async () => {
    let active: unknown;
    await withSpan("mull.solve sc@2", {}, () =>
      withProbeSpan({ ...request, signal: new AbortController().signal }, async () => {
        active = trace.getActiveSpan();
        return {
          model: "qwen2.5-7b-instruct",
          usage: { promptTokens: 9, completionTokens: 2 },
          choices: [{ finishReason: "length" }, { finishReason: "length" }],
        };
      }),
    );
    const [probe, solveSpan] = registered.spans();
    expect(probe?.name).toBe("chat qwen2.5-7b");
    expect(probe?.kind).toBe(SpanKind.CLIENT);
    expect(active).toBeDefined();
    expect((active as { spanContext(): { spanId: string } }).spanContext().spanId).toBe(
      probe?.spanContext().spanId,
    );
    expect(parentIdOf(probe!)).toBe(solveSpan?.spanContext().spanId);
    expect(probe?.attributes).toEqual({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "qwen2.5-7b",
      "gen_ai.request.temperature": 1,
      "gen_ai.request.max_tokens": 1,
      "gen_ai.request.choice.count": 2,
      "mull.backend": "openai-compatible",
      "mull.n": 2,
      "mull.probe": true,
      "gen_ai.response.model": "qwen2.5-7b-instruct",
      "gen_ai.response.finish_reasons": ["length", "length"],
      "mull.completions": 2,
      "gen_ai.usage.input_tokens": 9,
      "gen_ai.usage.output_tokens": 2,
    });
  });

  it("marks a failed probe request as an error, and one cut by its signal as aborted", async () => {
    const refused = new Error("POST http://127.0.0.1:9/v1/chat/completions failed: ECONNREFUSED");
    await expect(
      withProbeSpan({ ...request, signal: new AbortController().signal }, () => Promise.reject(refused)),
    ).rejects.toBe(refused);
    const disposed = new AbortController();
    disposed.abort(new Error("disposed"));
    await expect(
      withProbeSpan({ ...request, signal: disposed.signal }, () => Promise.reject(disposed.signal.reason)),
    ).rejects.toThrow("disposed");
    const [failed, cut] = registered.spans();
    expect(failed?.status).toEqual({ code: SpanStatusCode.ERROR, message: refused.message });
    expect(failed?.events.map((event) => event.name)).toEqual(["exception"]);
    expect(cut?.status.code).toBe(SpanStatusCode.UNSET);
    expect(cut?.attributes["mull.aborted"]).toBe(true);
  });
});
