import { context, type Span, SpanKind, trace } from "@opentelemetry/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createConcurrencyLimit } from "../../runtime/index.ts";
import {
  type InMemorySpans,
  parentIdOf,
  registerInMemorySpans,
} from "../../telemetry/in-memory-spans.test-support.ts";
import { mullTracer } from "../../telemetry/index.ts";
import type { HttpCall } from "./http-call.ts";
import type { HttpCaller } from "./http-caller.ts";
import { createRequestSender, type RequestShape } from "./request-sender.ts";
import type { ParsedResponse } from "./response-parser.ts";

const answer: ParsedResponse = {
  choices: [{ index: 0, text: "2", finishReason: "length", tokens: undefined }],
  usage: { promptTokens: 9, completionTokens: 1, cachedPromptTokens: undefined },
  model: "fake-model-v2",
  sawLogprobs: false,
  sawTopLogprobs: false,
};

/** A caller whose posts wait for `release`, noting the span active as each one starts. */
function heldCaller() {
  const seen: (Span | undefined)[] = [];
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const caller: HttpCaller = {
    async post(_call: HttpCall) {
      seen.push(trace.getActiveSpan());
      await released;
      return answer;
    },
    serverMessageOf: () => undefined,
  };
  return { caller, seen, release: () => release() };
}

function shape(overrides: Partial<RequestShape> = {}): RequestShape {
  return {
    kind: "chat",
    request: { prompt: { kind: "chat", messages: [{ role: "user", content: "1+1=?" }] }, maxTokens: 1 },
    n: 1,
    seed: undefined,
    logprobs: false,
    signal: new AbortController().signal,
    streamed: true,
    ...overrides,
  };
}

describe("createRequestSender: tracing", () => {
  let registered: InMemorySpans;
  beforeEach(() => {
    registered = registerInMemorySpans();
  });
  afterEach(() => {
    registered.restore();
  });

  it("sends a queued request in the context it was sent in, not in the one whose end started it", async () => {
    const { caller, seen, release } = heldCaller();
    const sender = createRequestSender({
      caller,
      limit: createConcurrencyLimit(1),
      model: "fake-model",
      samplingExtras: false,
    });
    const first = mullTracer().startSpan("chat first");
    const second = mullTracer().startSpan("chat second");
    const sent = [first, second].map((span) =>
      context.with(trace.setSpan(context.active(), span), () => sender.send(shape())),
    );
    release();
    await Promise.all(sent);
    expect(seen).toEqual([first, second]);
  });

  it("makes each probe request a client span marked mull.probe, active while it is posted", async () => {
    const { caller, seen, release } = heldCaller();
    release();
    const sender = createRequestSender({
      caller,
      limit: createConcurrencyLimit(1),
      model: "fake-model",
      samplingExtras: false,
    });
    const run = mullTracer().startSpan("mull.solve sc@2");
    await context.with(trace.setSpan(context.active(), run), () =>
      sender.send(shape({ probe: true, n: 2, request: { ...shape().request, n: 2, temperature: 1 } })),
    );
    await sender.send(shape());
    run.end();
    const [probe] = registered.spans();
    expect(registered.spans().filter((span) => span.kind === SpanKind.CLIENT)).toHaveLength(1);
    expect(probe?.name).toBe("chat fake-model");
    expect(probe?.kind).toBe(SpanKind.CLIENT);
    expect(parentIdOf(probe!)).toBe(run.spanContext().spanId);
    expect(seen[0]?.spanContext().spanId).toBe(probe?.spanContext().spanId);
    expect(seen[1]).toBeUndefined();
    expect(probe?.attributes).toMatchObject({
      "mull.probe": true,
      "gen_ai.request.model": "fake-model",
      "gen_ai.request.choice.count": 2,
      "gen_ai.request.max_tokens": 1,
      "gen_ai.response.model": "fake-model-v2",
      "gen_ai.usage.input_tokens": 9,
      "gen_ai.usage.output_tokens": 1,
    });
  });
});
