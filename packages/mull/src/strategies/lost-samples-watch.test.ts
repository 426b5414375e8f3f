import { describe, expect, it } from "vitest";
import { manualClock } from "../runtime/index.ts";
import type { Backend, GenerationResult, Prompt } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { createTracer } from "../trace/index.ts";
import { isLostSamplesNote, lostSamplesNote } from "./lost-samples.ts";
import { lostSamplesOutcome, watchLostSamples } from "./lost-samples-watch.ts";

const prompt: Prompt = { kind: "text", text: "Q: 2+2=? A:" };

/** A backend that loses one of each call's samples, and counts prompts through its own state. */
function losing(): Backend & { readonly counted: Prompt[]; disposed: boolean } {
  const scripted = createScriptedBackend({ responses: ["#### 4"] });
  return {
    counted: [],
    disposed: false,
    describe: () => scripted.describe(),
    capabilities: (options) => scripted.capabilities(options),
    async generate(request, options): Promise<GenerationResult> {
      const result = await scripted.generate(request, options);
      return { ...result, lostSamples: { count: 1, firstError: new Error("stream cut") } };
    },
    async countTokens(this: { counted: Prompt[] }, counted: Prompt) {
      this.counted.push(counted);
      return 400;
    },
    async dispose(this: { disposed: boolean }) {
      this.disposed = true;
    },
  };
}

describe("watchLostSamples", () => {
  it("passes the backend's optional methods through, bound to it, and not dispose", async () => {
    const backend = losing();
    const { backend: watched } = watchLostSamples(backend);
    const { countTokens } = watched;
    expect(await countTokens?.(prompt)).toBe(400);
    expect(backend.counted).toEqual([prompt]);
    expect("dispose" in watched).toBe(false);
    expect("measureRates" in watched).toBe(false);
  });

  it("fires its signal at the first call that lost samples, and adds up what the calls lost", async () => {
    const watch = watchLostSamples(losing());
    expect(watch.lost()).toBeUndefined();
    await watch.backend.generate({ prompt, n: 3 });
    await watch.backend.generate({ prompt, n: 2 });
    expect(watch.signal.aborted).toBe(true);
    expect((watch.signal.reason as Error).message).toBe("1 of 3 samples of a call failed");
    expect(watch.lost()).toEqual({ count: 2, firstError: new Error("stream cut") });
  });
});

describe("lostSamplesOutcome", () => {
  it("notes what was lost in the note the bench recognises, under the root run", () => {
    const tracer = createTracer(manualClock());
    const rootId = tracer.record({
      type: "run-start",
      parentId: undefined,
      strategy: "sc@4",
      parameters: {},
      question: "2+2=?",
    });
    tracer.record({ type: "run-end", parentId: rootId, answer: "4", stoppedBy: "abort", usage: emptyUsage });
    const lost = { count: 1, firstError: new Error("stream cut") };
    const outcome = lostSamplesOutcome({
      lost,
      owner: "sc@4",
      stoppedBy: "abort",
      finished: 3,
      callerAborted: false,
      tracer,
    });
    const notes = outcome.trace.flatMap((event) => (event.type === "note" ? [event] : []));
    expect(notes).toEqual([
      expect.objectContaining({
        parentId: rootId,
        message: lostSamplesNote({
          owner: "sc@4",
          failed: 1,
          started: 4,
          finished: 3,
          firstFailure: lost.firstError,
        }),
      }),
    ]);
    expect(notes.map((note) => note.message).filter(isLostSamplesNote)).toHaveLength(1);
    expect(outcome.stoppedBy).toBe("samples-lost");
    expect(outcome.trace.find((event) => event.type === "run-end")).toMatchObject({
      stoppedBy: "samples-lost",
    });
  });
});

const emptyUsage = { promptTokens: 0, completionTokens: 0, calls: 0 };
