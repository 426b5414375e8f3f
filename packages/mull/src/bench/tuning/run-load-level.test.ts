import { describe, expect, it } from "vitest";
import { manualClock } from "../../runtime/index.ts";
import type { Backend, GenerationRequest, Prompt } from "../../spec/index.ts";
import { runLoadLevel } from "./run-load-level.ts";

/** A backend that answers after a macrotask, advancing the clock 10 ms per call, and fails prompt "bad". */
function countingBackend(clock: ReturnType<typeof manualClock>) {
  const state = { inFlight: 0, mostInFlight: 0, sent: [] as { text: string; n: number }[] };
  const backend: Backend = {
    describe: () => ({ kind: "counting", model: "m" }),
    capabilities: async () => {
      throw new Error("not used");
    },
    generate: async (request: GenerationRequest) => {
      const text = request.prompt.kind === "text" ? request.prompt.text : "";
      state.sent.push({ text, n: request.n ?? 1 });
      state.inFlight += 1;
      state.mostInFlight = Math.max(state.mostInFlight, state.inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      clock.advance(10);
      state.inFlight -= 1;
      if (text === "bad") throw new Error("HTTP 503: overloaded");
      const n = request.n ?? 1;
      return {
        completions: Array.from({ length: n }, (_, index) => ({
          index,
          text: "x",
          finishReason: "stop" as const,
          completionTokens: 3,
        })),
        usage: { promptTokens: 1, completionTokens: 3 * n, calls: 1 },
        model: "m",
      };
    },
  };
  return { backend, state };
}

const prompts: Prompt[] = [
  { kind: "text", text: "a" },
  { kind: "text", text: "b" },
  { kind: "text", text: "bad" },
];

describe("runLoadLevel", () => {
  it("keeps the concurrency in flight, sends the prompts in turn and records failures", async () => {
    const clock = manualClock();
    const { backend, state } = countingBackend(clock);
    const done: number[] = [];
    const run = await runLoadLevel(backend, {
      prompts,
      requests: 7,
      concurrency: 3,
      n: 2,
      maxTokens: 8,
      clock,
      onRequestDone: (count) => done.push(count),
    });
    expect(state.mostInFlight).toBe(3);
    expect(state.sent.map((request) => request.text)).toEqual(["a", "b", "bad", "a", "b", "bad", "a"]);
    expect(state.sent.every((request) => request.n === 2)).toBe(true);
    expect(done).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(run.measurements.map((measurement) => measurement.error)).toEqual([
      undefined,
      undefined,
      "HTTP 503: overloaded",
      undefined,
      undefined,
      "HTTP 503: overloaded",
      undefined,
    ]);
    expect(run.measurements.map((measurement) => measurement.completionTokens)).toEqual([
      6,
      6,
      undefined,
      6,
      6,
      undefined,
      6,
    ]);
    expect(run.wallMilliseconds).toBe(70);
  });

  it("sends one at a time at concurrency 1", async () => {
    const clock = manualClock();
    const { backend, state } = countingBackend(clock);
    const run = await runLoadLevel(backend, {
      prompts,
      requests: 2,
      concurrency: 1,
      n: 1,
      maxTokens: 8,
      clock,
    });
    expect(state.mostInFlight).toBe(1);
    expect(run.measurements.map((measurement) => measurement.latencyMilliseconds)).toEqual([10, 10]);
  });

  it("stops sending once the signal aborts, with the measurements of the requests sent", async () => {
    const clock = manualClock();
    const { backend, state } = countingBackend(clock);
    const controller = new AbortController();
    const run = await runLoadLevel(backend, {
      prompts,
      requests: 6,
      concurrency: 1,
      n: 1,
      maxTokens: 8,
      clock,
      signal: controller.signal,
      onRequestDone: (count) => {
        if (count === 2) controller.abort(new Error("interrupted"));
      },
    });
    expect(state.sent.map((request) => request.text)).toEqual(["a", "b"]);
    expect(run.measurements).toHaveLength(2);
  });
});
