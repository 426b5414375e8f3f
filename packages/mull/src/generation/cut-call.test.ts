import { describe, expect, it } from "vitest";
import type { Backend, CallOptions, GenerationRequest } from "../spec/index.ts";
import { createLockstepBackend, createScriptedBackend, testStrategyContext } from "../testing/index.ts";
import { sampleCandidates } from "./sample-candidates.ts";

const problem = { question: "What is 6 × 7?" };
const watchCompletion = () => () => "continue" as const;

/**
 * A backend like an HTTP one: it sends `tokens` through the watcher, then holds the request until its
 * signal aborts, and rejects with the signal's reason (nothing comes back from an aborted request).
 */
function holdingBackend(tokens: readonly string[]): Backend & { readonly aborted: () => number } {
  const scripted = createScriptedBackend({ responses: ["unused"] });
  let aborted = 0;
  return {
    ...scripted,
    describe: () => ({ kind: "holding", model: "holding-model" }),
    aborted: () => aborted,
    generate: (_request: GenerationRequest, options?: CallOptions) =>
      new Promise((_, reject) => {
        for (const token of tokens) options?.watch?.(0, { token, logprob: -0.5 });
        options?.signal?.addEventListener("abort", () => {
          aborted += 1;
          reject(options.signal?.reason);
        });
      }),
  };
}

describe("sampleCandidates with a cut signal", () => {
  it("keeps the tokens a held request had produced, cut, and charges exactly those", async () => {
    const backend = holdingBackend(["six", " sevens", " make"]);
    const context = testStrategyContext({ backend });
    const cut = new AbortController();
    const sampling = sampleCandidates({
      problem,
      n: 1,
      context,
      logprobs: true,
      watchCompletion,
      cut: cut.signal,
    });
    await new Promise((resolve) => setImmediate(resolve));
    cut.abort(new Error("decided"));
    const result = await sampling;
    expect(backend.aborted()).toBe(1);
    expect(result.stoppedBy).toBe("complete");
    expect(result.candidates).toHaveLength(1);
    expect(result.candidates[0]).toMatchObject({
      text: "six sevens make",
      finishReason: "cut",
      completionTokens: 3,
      answer: undefined,
    });
    expect(result.candidates[0]?.logprob).toBeCloseTo(-1.5);
    expect(context.budget.spent().usage).toMatchObject({ completionTokens: 3, calls: 1 });
    expect(context.signal.aborted).toBe(false);
  });

  it("counts no tokens for a request still queued for its first token", async () => {
    const backend = holdingBackend([]);
    const context = testStrategyContext({ backend });
    const cut = new AbortController();
    const sampling = sampleCandidates({ problem, n: 1, context, watchCompletion, cut: cut.signal });
    await new Promise((resolve) => setImmediate(resolve));
    cut.abort(new Error("decided"));
    const result = await sampling;
    expect(result.candidates.map((candidate) => [candidate.text, candidate.finishReason])).toEqual([
      ["", "cut"],
    ]);
    expect(result.candidates[0]?.completionTokens).toBe(0);
    expect(context.budget.spent().usage).toMatchObject({ completionTokens: 0, calls: 1 });
  });

  it("turns a backend's own abort ending into a cut, with the tokens it counted", async () => {
    // The lockstep backend, like the embedded one, resolves an aborted call with finish reason `abort`.
    const backend = createLockstepBackend({ traces: ["a b c d e f g h #### 1"] });
    const context = testStrategyContext({ backend });
    const cut = new AbortController();
    let seen = 0;
    const result = await sampleCandidates({
      problem,
      n: 1,
      context,
      cut: cut.signal,
      watchCompletion: () => () => {
        seen += 1;
        if (seen === 3) cut.abort(new Error("decided"));
        return "continue";
      },
    });
    expect(result.candidates[0]).toMatchObject({ text: "a b c", finishReason: "cut", completionTokens: 3 });
    expect(backend.generated).toEqual([3]);
    expect(context.budget.spent().usage.completionTokens).toBe(3);
  });

  it("makes no request and no candidate when the cut came before the call", async () => {
    const backend = holdingBackend(["never"]);
    const context = testStrategyContext({ backend });
    const cut = new AbortController();
    // Cut while the call waits for the backend's capabilities.
    const sampling = sampleCandidates({ problem, n: 1, context, watchCompletion, cut: cut.signal });
    cut.abort(new Error("decided"));
    const result = await sampling;
    expect(backend.aborted()).toBe(0);
    expect(result).toMatchObject({ candidates: [], stoppedBy: "complete" });
    expect(context.budget.spent().usage).toMatchObject({ completionTokens: 0, calls: 0 });
  });
});
