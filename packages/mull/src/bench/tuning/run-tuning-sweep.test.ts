import { describe, expect, it } from "vitest";
import { manualClock } from "../../runtime/index.ts";
import type { Backend, GenerationRequest, GenerationResult, Prompt } from "../../spec/index.ts";
import { runTuningSweep } from "./run-tuning-sweep.ts";

const prompts: Prompt[] = [{ kind: "text", text: "a" }];

/**
 * A backend that answers after a macrotask, 10 ms on the clock, and counts its calls; `onCall` sees each
 * call's number and concurrency before it answers, and an aborted signal fails the call.
 */
function sweepBackend(clock: ReturnType<typeof manualClock>, onCall: (call: number) => void) {
  const state = { calls: 0 };
  const backend: Backend = {
    describe: () => ({ kind: "sweep", model: "m" }),
    capabilities: async () => {
      throw new Error("not used");
    },
    generate: async (request: GenerationRequest, options): Promise<GenerationResult> => {
      state.calls += 1;
      onCall(state.calls);
      await new Promise((resolve) => setImmediate(resolve));
      options?.signal?.throwIfAborted();
      clock.advance(10);
      const n = request.n ?? 1;
      return {
        completions: Array.from({ length: n }, (_, index) => ({
          index,
          text: "x",
          finishReason: "stop" as const,
          completionTokens: 2,
        })),
        usage: { promptTokens: 1, completionTokens: 2 * n, calls: 1 },
        model: "m",
      };
    },
  };
  return { backend, state };
}

describe("runTuningSweep", () => {
  it("runs every level of every n after the warm-up, and is not interrupted", async () => {
    const clock = manualClock();
    const { backend, state } = sweepBackend(clock, () => undefined);
    const report = await runTuningSweep(backend, {
      prompts,
      concurrencies: [2, 1],
      ns: [1, 3],
      requests: 4,
      clock,
    });
    expect(state.calls).toBe(1 + 4 * 4);
    expect(report.levels.map((level) => [level.n, level.concurrency])).toEqual([
      [1, 1],
      [1, 2],
      [3, 1],
      [3, 2],
    ]);
    expect(report).toMatchObject({ plannedLevels: 4, interrupted: false, fraction: 0.9 });
    expect(report.knees.map((knee) => knee.n)).toEqual([1, 3]);
  });

  it("stops at an abort, leaves out the level it cut short, starts no other, and reports the finished ones", async () => {
    const clock = manualClock();
    const controller = new AbortController();
    // The warm-up, 3 requests at concurrency 1, 3 at 2, then the abort on the second request at 4.
    const { backend, state } = sweepBackend(clock, (call) => {
      if (call === 1 + 3 + 3 + 2) controller.abort(new Error("interrupted"));
    });
    const finished: number[] = [];
    const report = await runTuningSweep(backend, {
      prompts,
      concurrencies: [1, 2, 4, 8],
      requests: 3,
      clock,
      signal: controller.signal,
      onLevel: (level) => finished.push(level.concurrency),
    });
    expect(finished).toEqual([1, 2]);
    expect(report.levels.map((level) => level.concurrency)).toEqual([1, 2]);
    expect(report.levels.every((level) => level.errors === 0)).toBe(true);
    expect(report).toMatchObject({ plannedLevels: 4, interrupted: true });
    expect(report.knees.map((knee) => knee.highestConcurrency)).toEqual([2]);
    // Concurrency 4 sent 2 requests, the abort came with the second: the third was never sent, nor any
    // request of concurrency 8.
    expect(state.calls).toBe(1 + 3 + 3 + 2);
  });

  it("returns no level when the signal aborted before the sweep", async () => {
    const clock = manualClock();
    const { backend, state } = sweepBackend(clock, () => undefined);
    const report = await runTuningSweep(backend, {
      prompts,
      concurrencies: [1, 2],
      requests: 2,
      warmup: 0,
      clock,
      signal: AbortSignal.abort(new Error("interrupted")),
    });
    expect(report).toMatchObject({ levels: [], knees: [], plannedLevels: 2, interrupted: true });
    expect(state.calls).toBe(0);
  });
});
