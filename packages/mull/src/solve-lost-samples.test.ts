import { describe, expect, it } from "vitest";
import { createOpenAICompatibleBackend } from "./backends/openai-compatible/index.ts";
import { BackendCallError } from "./errors/index.ts";
import { solve } from "./solve.ts";
import type { Backend, GenerationResult, NoteEvent, RunEndEvent } from "./spec/index.ts";
import { isLostSamplesNote } from "./strategies/index.ts";
import { startFakeOpenAIServer } from "./testing/fake-openai-server.ts";
import { createScriptedBackend } from "./testing/scripted-backend.ts";

/** A fake upstream that cuts the stream of every sample with an even seed, on every attempt. */
function failingHalf() {
  return startFakeOpenAIServer({
    handler: (request) =>
      Number(request.body?.seed) % 2 === 0
        ? { choices: ["2+2 is surely four"], delivery: { cutAfterTokens: 2 } }
        : { choices: ["2+2=4\n#### 4"], usage: { promptTokens: 10 } },
  });
}

const notes = (trace: readonly { type: string }[]) =>
  trace.filter((event): event is NoteEvent => event.type === "note").map((event) => event.message);

describe("solve: a call that loses samples", () => {
  it("votes over the samples that finished, stopped by samples-lost, and draws no more", async () => {
    const server = await failingHalf();
    const backend = createOpenAICompatibleBackend({
      baseUrl: server.url,
      model: "failhalf",
      capabilities: { n: false },
      stream: true,
      maxRetries: 1,
      retryDelayMilliseconds: 1,
    });
    try {
      const result = await solve({ problem: "2+2=?", strategy: "sc@8", seed: 7, backend });
      expect(result).toMatchObject({ answer: "4", stoppedBy: "samples-lost", partial: true });
      expect(result.votes).toEqual({ "4": 4 });
      expect(result.candidates).toHaveLength(4);
      const lost = notes(result.trace).filter(isLostSamplesNote);
      expect(lost).toHaveLength(1);
      expect(lost[0]).toMatch(
        /^sc@8: 4 of 8 traces failed \(first: BackendCallError: .*gave up after 2 attempts.*\); the vote is over the 4 that finished$/,
      );
      const root = result.trace[0]!;
      const end = result.trace.find(
        (event): event is RunEndEvent => event.type === "run-end" && event.parentId === root.id,
      );
      expect(end?.stoppedBy).toBe("samples-lost");
      // One call of eight requests, the four lost ones tried twice: nothing was drawn again.
      // (The capability probe sends no seed.)
      const generations = server.requests.filter((request) => request.body?.seed !== undefined);
      expect(generations).toHaveLength(4 + 4 * 2);
      // The lost requests' tokens are charged: two attempts of two tokens each, a prompt each.
      expect(result.usage).toMatchObject({ promptTokens: 8 * 10, calls: 8 });
      expect(result.usage.completionTokens).toBe(
        result.candidates.reduce((sum, candidate) => sum + (candidate.completionTokens ?? 0), 0) + 4 * 2 * 2,
      );
    } finally {
      await backend.dispose();
      await server.close();
    }
  });

  it("throws the first failure, as before, when every sample of the call failed", async () => {
    const server = await startFakeOpenAIServer({ handler: () => ({ status: 503 }) });
    const backend = createOpenAICompatibleBackend({
      baseUrl: server.url,
      model: "down",
      capabilities: { n: false },
      maxRetries: 0,
    });
    try {
      const error = await solve({ problem: "2+2=?", strategy: "sc@4", backend }).catch((thrown) => thrown);
      expect(BackendCallError.isInstance(error)).toBe(true);
      expect((error as BackendCallError).status).toBe(503);
    } finally {
      await backend.dispose();
      await server.close();
    }
  });

  it("stops any backend's run at the first call that reports lost samples, its result counting them", async () => {
    const scripted = createScriptedBackend({ responses: ["#### 4", "#### 5", "#### 4", "#### 4"] });
    let calls = 0;
    const backend: Backend = {
      describe: () => scripted.describe(),
      capabilities: (options) => scripted.capabilities(options),
      async generate(request, options): Promise<GenerationResult> {
        calls += 1;
        const result = await scripted.generate({ ...request, n: 3 }, options);
        return { ...result, lostSamples: { count: 1, firstError: new Error("stream cut") } };
      },
    };
    const result = await solve({ problem: "2+2=?", strategy: "sc@4", backend });
    expect(calls).toBe(1);
    expect(result).toMatchObject({ answer: "4", stoppedBy: "samples-lost", partial: true });
    expect(result.candidates).toHaveLength(3);
    expect(notes(result.trace)).toContain(
      "sc@4: 1 of 4 traces failed (first: Error: stream cut); the vote is over the 3 that finished",
    );
  });

  it("leaves the caller's own abort its reason, with the note all the same", async () => {
    const scripted = createScriptedBackend({ responses: ["#### 4", "#### 4"] });
    const controller = new AbortController();
    const backend: Backend = {
      describe: () => scripted.describe(),
      capabilities: (options) => scripted.capabilities(options),
      async generate(request, options): Promise<GenerationResult> {
        const result = await scripted.generate({ ...request, n: 2 }, options);
        controller.abort(new Error("caller gave up"));
        return { ...result, lostSamples: { count: 1, firstError: new Error("stream cut") } };
      },
    };
    const result = await solve({ problem: "2+2=?", strategy: "sc@3", backend, signal: controller.signal });
    expect(result.stoppedBy).toBe("abort");
    expect(notes(result.trace).filter(isLostSamplesNote)).toHaveLength(1);
  });
});
