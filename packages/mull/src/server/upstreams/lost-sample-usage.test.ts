import { describe, expect, it } from "vitest";
import { BackendCallError } from "../../errors/index.ts";
import type { Backend, GenerationResult } from "../../spec/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import { lostUsage } from "./lost-sample-usage.ts";
import { createSampleFanOut } from "./sample-fan-out.ts";

const prompt = { kind: "text" as const, text: "q" };

/** What a sample cut before its first token (or before its stream began) tells: one call, no count. */
const untold: GenerationResult = {
  completions: [],
  usage: { promptTokens: undefined, completionTokens: undefined, calls: 1 },
  model: "m",
};

const finished = (completionTokens: number | undefined): GenerationResult => ({
  completions: [{ index: 0, text: "#### 7", finishReason: "stop", completionTokens }],
  usage: { promptTokens: 5, completionTokens, calls: 1 },
  model: "m",
});

/**
 * A backend whose samples of seeds `finishes` picks answer at once (5 prompt tokens, 3 written, or no
 * counts when `counts` is false); the others wait and, cut by their signal, tell what a request whose
 * stream had not begun tells: one call, its tokens unknown.
 */
function queued(counts: boolean, finishes: (seed: number) => boolean): Backend {
  const scripted = createScriptedBackend({ responses: ["#### 7"] });
  return {
    describe: () => ({ kind: "queued", model: "m" }),
    capabilities: () => scripted.capabilities(),
    async generate(request, options) {
      if (finishes(request.seed ?? 0)) return finished(counts ? 3 : undefined);
      const signal = options?.signal;
      if (signal === undefined) throw new Error("a queued sample needs a signal");
      await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
      options?.onAborted?.(untold);
      throw signal.reason;
    },
  };
}

describe("lostUsage", () => {
  it("counts a cut sample that told no completion count the tokens it delivered, 0 before its first token", () => {
    const partial: GenerationResult = {
      completions: [{ index: 0, text: "#### ", finishReason: "abort", completionTokens: 2 }],
      usage: { promptTokens: undefined, completionTokens: undefined, calls: 1 },
      model: "m",
    };
    const used = lostUsage(
      [
        { error: new Error("aborted"), told: untold },
        { error: new Error("aborted"), told: partial },
      ],
      [finished(3)],
      false,
    );
    expect(used).toEqual([
      { promptTokens: 5, completionTokens: 0, calls: 1 },
      { promptTokens: 5, completionTokens: 2, calls: 1 },
    ]);
  });

  it("leaves the count unknown for a backend that reports none, or a delivered completion without one", () => {
    const uncounted: GenerationResult = {
      completions: [{ index: 0, text: "#### ", finishReason: "abort", completionTokens: undefined }],
      usage: { promptTokens: undefined, completionTokens: undefined, calls: 1 },
      model: "m",
    };
    expect(lostUsage([{ error: new Error("aborted"), told: untold }], [], true)).toEqual([
      { promptTokens: undefined, completionTokens: undefined, calls: 1 },
    ]);
    expect(lostUsage([{ error: new Error("aborted"), told: uncounted }], [], false)).toEqual([
      { promptTokens: undefined, completionTokens: undefined, calls: 1 },
    ]);
  });

  it("keeps what a failed call's error says it used, as it said it", () => {
    const broken = new BackendCallError("the stream broke", {
      isRetryable: true,
      usage: { promptTokens: 5, completionTokens: undefined, calls: 1 },
    });
    expect(lostUsage([{ error: broken, told: undefined }], [], false)).toEqual([
      { promptTokens: 5, completionTokens: undefined, calls: 1 },
    ]);
  });

  it("takes the fewest prompt tokens a finished sample reported for a lost one that told none", () => {
    const reported = (promptTokens: number): GenerationResult => ({
      ...finished(3),
      usage: { promptTokens, completionTokens: 3, calls: 1 },
    });
    const used = lostUsage(
      [{ error: new Error("aborted"), told: untold }],
      [reported(7), reported(5)],
      false,
    );
    expect(used).toEqual([{ promptTokens: 5, completionTokens: 0, calls: 1 }]);
  });

  it("takes what the error says the call used over what its abort told", () => {
    const broken = new BackendCallError("the stream broke", {
      isRetryable: true,
      usage: { promptTokens: 5, completionTokens: 2, calls: 1 },
    });
    const told: GenerationResult = {
      ...finished(9),
      usage: { promptTokens: 5, completionTokens: 9, calls: 1 },
    };
    expect(lostUsage([{ error: broken, told }], [], false)).toEqual([
      { promptTokens: 5, completionTokens: 2, calls: 1 },
    ]);
  });

  it("leaves unknown a completion count the error leaves unknown, whatever the abort told it delivered", () => {
    const broken = new BackendCallError("the stream broke", {
      isRetryable: true,
      usage: { promptTokens: 5, completionTokens: undefined, calls: 1 },
    });
    const partial: GenerationResult = {
      completions: [{ index: 0, text: "#### ", finishReason: "abort", completionTokens: 4 }],
      usage: { promptTokens: 5, completionTokens: undefined, calls: 1 },
      model: "m",
    };
    expect(lostUsage([{ error: broken, told: partial }], [], false)).toEqual([
      { promptTokens: 5, completionTokens: undefined, calls: 1 },
    ]);
  });

  it("finds the usage of a failed call deeper in the error's causes, past one that says none", () => {
    const broken = new BackendCallError("the stream broke", {
      isRetryable: true,
      usage: { promptTokens: 5, completionTokens: 2, calls: 1 },
    });
    const wrapped = new BackendCallError("the sample failed", { isRetryable: true, cause: broken });
    expect(lostUsage([{ error: wrapped, told: undefined }], [], false)).toEqual([
      { promptTokens: 5, completionTokens: 2, calls: 1 },
    ]);
  });
});

describe("a fan-out call cut by its caller", () => {
  it("counts its finished samples' tokens and none for the samples cut before their first token", async () => {
    const controller = new AbortController();
    // Samples of even seeds finish; the others are still queued upstream when the caller's time runs out.
    const fanOut = createSampleFanOut(queued(true, (seed) => seed % 2 === 0));
    const pending = fanOut.backend.generate({ prompt, n: 4, seed: 0 }, { signal: controller.signal });
    controller.abort(new Error("the request's time ran out"));
    const result = await pending;
    expect(result.completions).toHaveLength(2);
    // Before: completion tokens unknown, as if the backend counted none.
    expect(result.usage).toEqual({ promptTokens: 4 * 5, completionTokens: 2 * 3, calls: 4 });
  });

  it("tells the caller no completion token, not an unknown count, when every sample was cut before its first", async () => {
    const controller = new AbortController();
    const fanOut = createSampleFanOut(queued(true, () => false));
    const told: GenerationResult[] = [];
    const pending = fanOut.backend
      .generate(
        { prompt, n: 3, seed: 0 },
        { signal: controller.signal, onAborted: (partial) => told.push(partial) },
      )
      .catch((thrown: unknown) => thrown);
    controller.abort(new Error("the request's time ran out"));
    expect(await pending).toBe(controller.signal.reason);
    // Told once, for all three: their prompts unknown (none finished to tell it), no token generated.
    expect(told).toHaveLength(1);
    expect(told[0]?.usage).toEqual({ promptTokens: undefined, completionTokens: 0, calls: 3 });
  });

  it("leaves the completion tokens unknown where the backend reports no counts", async () => {
    const controller = new AbortController();
    const fanOut = createSampleFanOut(queued(false, (seed) => seed % 2 === 0));
    const pending = fanOut.backend.generate({ prompt, n: 4, seed: 0 }, { signal: controller.signal });
    controller.abort(new Error("the request's time ran out"));
    const result = await pending;
    expect(result.completions).toHaveLength(2);
    expect(result.usage.completionTokens).toBeUndefined();
  });
});
