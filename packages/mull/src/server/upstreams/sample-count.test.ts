import { describe, expect, it } from "vitest";
import type { Backend } from "../../spec/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import { countSamples } from "./sample-count.ts";

const prompt = { kind: "text" as const, text: "q" };

describe("countSamples", () => {
  it("counts each call's n as requested and its completions as succeeded, in one call each", async () => {
    const upstream = createScriptedBackend({ responses: ["#### 1", "#### 2", "#### 3"] });
    const heard: string[] = [];
    const counted = countSamples(upstream, (completion) => heard.push(completion.text));
    await counted.backend.generate({ prompt, n: 3, seed: 1 });
    await counted.backend.generate({ prompt, seed: 4 });
    expect(counted.counts()).toEqual({ requested: 4, succeeded: 4, failed: 0, firstError: undefined });
    expect(heard).toHaveLength(4);
    // Native n: one call for three samples, not three.
    expect(upstream.calls.map((call) => call.request.n ?? 1)).toEqual([3, 1]);
  });

  it("tells each completion with the request of its call, whose prompt says what a continuation continues", async () => {
    const upstream = createScriptedBackend({ responses: ["#### 1", "#### 2", "#### 3"] });
    const heard: { text: string; prompt: unknown }[] = [];
    const counted = countSamples(upstream, (completion, request) =>
      heard.push({ text: completion.text, prompt: request.prompt }),
    );
    const continuation = { kind: "text" as const, text: "q Wait" };
    await counted.backend.generate({ prompt, n: 2 });
    await counted.backend.generate({ prompt: continuation });
    expect(heard.map((entry) => entry.prompt)).toEqual([prompt, prompt, continuation]);
  });

  it("counts a failed call's samples as failed, with its error, and the completions a call left out", async () => {
    const broken = new Error("engine failed");
    const upstream = createScriptedBackend({
      responses: ["#### 1"],
      onCall: (_request, callIndex) => {
        if (callIndex === 1) throw broken;
      },
    });
    const short: Backend = {
      ...upstream,
      generate: async (request, options) => {
        const result = await upstream.generate(request, options);
        return { ...result, completions: result.completions.slice(0, 1) };
      },
    };
    const counted = countSamples(short);
    await counted.backend.generate({ prompt, n: 2 });
    await expect(counted.backend.generate({ prompt, n: 4 })).rejects.toBe(broken);
    expect(counted.counts()).toEqual({ requested: 6, succeeded: 1, failed: 5, firstError: broken });
  });

  it("counts no sample as failed when the call's own signal cut it", async () => {
    const controller = new AbortController();
    const upstream = createScriptedBackend({ responses: ["#### 1"], delayMilliseconds: 10_000 });
    const counted = countSamples(upstream);
    const call = counted.backend.generate({ prompt, n: 2 }, { signal: controller.signal });
    controller.abort(new Error("deadline"));
    await expect(call).rejects.toThrow();
    expect(counted.counts()).toMatchObject({ requested: 2, succeeded: 0, failed: 0 });
  });

  it("keeps the first failure as its error when later calls fail too", async () => {
    const errors = [new Error("first failure"), new Error("second failure")];
    const upstream = createScriptedBackend({
      responses: ["#### 1"],
      onCall: (_request, callIndex) => {
        throw errors[callIndex] ?? new Error("unexpected call");
      },
    });
    const counted = countSamples(upstream);
    await expect(counted.backend.generate({ prompt })).rejects.toBe(errors[0]);
    await expect(counted.backend.generate({ prompt })).rejects.toBe(errors[1]);
    expect(counted.counts()).toEqual({ requested: 2, succeeded: 0, failed: 2, firstError: errors[0] });
  });

  it("counts no sample as failed when a call its own signal cut comes back with fewer completions", async () => {
    const upstream = createScriptedBackend({ responses: ["#### 1"] });
    // A cut call answers with what it had: one of its three samples.
    const cut: Backend = {
      ...upstream,
      generate: async (request) => {
        const result = await upstream.generate(request);
        return { ...result, completions: result.completions.slice(0, 1) };
      },
    };
    const controller = new AbortController();
    controller.abort(new Error("deadline"));
    const counted = countSamples(cut);
    const result = await counted.backend.generate({ prompt, n: 3 }, { signal: controller.signal });
    expect(result.completions).toHaveLength(1);
    expect(counted.counts()).toMatchObject({ requested: 3, succeeded: 1, failed: 0 });
  });

  it("passes the backend's optional methods through, but not its disposal, which the request does not own", async () => {
    const upstream = createScriptedBackend({ responses: ["#### 1"] });
    const counted = countSamples(upstream);
    await counted.backend.score?.({ prompt, continuation: " #### 1" });
    expect(upstream.scoreCalls).toHaveLength(1);
    expect("dispose" in counted.backend).toBe(false);
    expect(
      countSamples(createScriptedBackend({ responses: ["#### 1"], capabilities: { score: false } })).backend
        .score,
    ).toBeUndefined();
    // Scoring draws no sample.
    expect(counted.counts().requested).toBe(0);
  });
});
