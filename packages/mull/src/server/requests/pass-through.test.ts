import { describe, expect, it } from "vitest";
import { BackendCallError } from "../../errors/index.ts";
import type { Backend, Completion, GenerationResult } from "../../spec/index.ts";
import { passThrough } from "./pass-through.ts";
import type { RequestPlan } from "./request-plan.ts";

/** A backend whose one call returns `result`. */
function answering(result: GenerationResult): Backend {
  return {
    describe: () => ({ kind: "openai-compatible", model: "m" }),
    capabilities: async () => {
      throw new Error("not asked");
    },
    generate: async () => result,
  };
}

/** The fields of a pass-through plan for `n` completions on `backend`. */
function planOn(backend: Backend, n: number): RequestPlan {
  return {
    stream: false,
    served: { backend, upstream: "up" },
    prompt: { kind: "chat", messages: [{ role: "user", content: "2+2?" }] },
    samples: n,
    logprobs: false,
    estimatedPromptTokens: 5,
  } as unknown as RequestPlan;
}

const usage = { promptTokens: 15, completionTokens: 6, calls: 3 };
const completion = (index: number): Completion => ({
  index,
  text: "4",
  finishReason: "stop",
  completionTokens: 2,
});

describe("passThrough", () => {
  it("answers a call that lost some of its n samples with the upstream's own failure, a 429 with its wait", async () => {
    const limited = new BackendCallError("rate limited", { status: 429, retryAfterMilliseconds: 2_000 });
    const backend = answering({
      completions: [completion(0), completion(1)],
      usage,
      model: "m",
      lostSamples: { count: 1, firstError: limited },
    });
    await expect(passThrough(planOn(backend, 3), new AbortController().signal, undefined)).rejects.toBe(
      limited,
    );
  });

  it("returns every completion of a call that lost none", async () => {
    const backend = answering({
      completions: [completion(0), completion(1), completion(2)],
      usage,
      model: "m",
    });
    const outcome = await passThrough(planOn(backend, 3), new AbortController().signal, undefined);
    expect(outcome.choices).toHaveLength(3);
    expect(outcome.usage.completionTokens).toBe(6);
  });
});
