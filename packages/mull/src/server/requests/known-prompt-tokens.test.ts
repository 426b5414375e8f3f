import { describe, expect, it } from "vitest";
import { BackendCallError } from "../../errors/index.ts";
import type { Backend, GenerationRequest, GenerationResult, Prompt, Usage } from "../../spec/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import { knownPromptTokens } from "./known-prompt-tokens.ts";

const question: Prompt = { kind: "text", text: "Q: 6 × 7? A:" };
const critique: Prompt = { kind: "text", text: "Q: 6 × 7? A: 42. Is that right?" };
const requestOf = (prompt: Prompt): GenerationRequest => ({ prompt, n: 1 });

/**
 * A backend whose calls end, in turn, as `outcomes` say: returned with a usage, aborted having told one, or
 * failed with an error.
 */
function backendOf(
  outcomes: readonly { readonly usage: Usage; readonly aborted?: boolean; readonly error?: Error }[],
): Backend {
  const scripted = createScriptedBackend({ responses: ["unused"] });
  let call = 0;
  return {
    describe: () => ({ kind: "told", model: "m" }),
    capabilities: () => scripted.capabilities(),
    async generate(_request, options): Promise<GenerationResult> {
      const outcome = outcomes[call++]!;
      if (outcome.error !== undefined) throw outcome.error;
      const result: GenerationResult = {
        completions: [
          {
            index: 0,
            text: "42",
            finishReason: outcome.aborted ? "abort" : "stop",
            completionTokens: outcome.usage.completionTokens,
          },
        ],
        usage: outcome.usage,
        model: "m",
      };
      if (!outcome.aborted) return result;
      options?.onAborted?.(result);
      throw new DOMException("cut", "AbortError");
    },
  };
}

const untold = (completionTokens: number): Usage => ({ promptTokens: undefined, completionTokens, calls: 1 });

describe("knownPromptTokens", () => {
  it("tells a call of the counted prompt its tokens, and leaves another prompt's unknown", async () => {
    const known = knownPromptTokens(backendOf([{ usage: untold(3) }, { usage: untold(4) }]), {
      prompt: question,
      tokens: 9,
    });
    expect((await known.backend.generate(requestOf(question))).usage.promptTokens).toBe(9);
    expect((await known.backend.generate(requestOf(critique))).usage.promptTokens).toBeUndefined();
    expect(
      known.usageOf({ promptTokens: undefined, completionTokens: 7, calls: 2 }).promptTokens,
    ).toBeUndefined();
  });

  it("tells a call what an earlier call of the same prompt reported, and what an aborted call told too", async () => {
    const known = knownPromptTokens(
      backendOf([
        { usage: { promptTokens: 11, completionTokens: 5, calls: 1 } },
        { usage: untold(2), aborted: true },
      ]),
      undefined,
    );
    await known.backend.generate(requestOf(question));
    let told: GenerationResult | undefined;
    const cut = known.backend.generate(requestOf(question), { onAborted: (partial) => (told = partial) });
    await expect(cut).rejects.toThrow("cut");
    expect(told?.usage.promptTokens).toBe(11);
  });

  it("completes a run's usage once every call's prompt is known, even one cut before another reported it", async () => {
    const known = knownPromptTokens(
      backendOf([
        { usage: untold(2), aborted: true },
        { usage: { promptTokens: 11, completionTokens: 5, calls: 1 } },
      ]),
      undefined,
    );
    await expect(known.backend.generate(requestOf(question))).rejects.toThrow("cut");
    await known.backend.generate(requestOf(question));
    const run = { promptTokens: undefined, completionTokens: 7, calls: 2 };
    expect(known.usageOf(run)).toEqual({ ...run, promptTokens: 22 });
    // A run counting calls made elsewhere too (a judge's) is left as it is.
    expect(known.usageOf({ ...run, calls: 3 })).toEqual({ ...run, calls: 3 });
  });

  it("takes a call's reported prompt tokens as its count over its requests", async () => {
    const known = knownPromptTokens(
      backendOf([{ usage: { promptTokens: 22, completionTokens: 2, calls: 2 } }, { usage: untold(1) }]),
      undefined,
    );
    await known.backend.generate({ prompt: question, n: 2 });
    expect((await known.backend.generate(requestOf(question))).usage.promptTokens).toBe(11);
  });

  it("learns no count from a report that does not share evenly among the call's requests", async () => {
    const known = knownPromptTokens(
      backendOf([{ usage: { promptTokens: 23, completionTokens: 2, calls: 2 } }, { usage: untold(1) }]),
      undefined,
    );
    await known.backend.generate({ prompt: question, n: 2 });
    expect((await known.backend.generate(requestOf(question))).usage.promptTokens).toBeUndefined();
  });

  it("completes a run's usage past a failed call that made no request, whose prompt nothing counted", async () => {
    const refused = new BackendCallError("refused", {
      status: 400,
      usage: { promptTokens: undefined, completionTokens: undefined, calls: 0 },
    });
    const known = knownPromptTokens(backendOf([{ usage: untold(0), error: refused }, { usage: untold(1) }]), {
      prompt: question,
      tokens: 9,
    });
    await expect(known.backend.generate(requestOf(critique))).rejects.toBe(refused);
    await known.backend.generate(requestOf(question));
    expect(known.usageOf(untold(1)).promptTokens).toBe(9);
  });
});
