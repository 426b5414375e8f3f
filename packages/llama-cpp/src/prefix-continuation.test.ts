import { budgetForcing, liveProbing, solve } from "mull";
import { labProfile } from "mull/lab";
import type { GenerationEvent, SolveResult } from "mull/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLlamaCppBackend, type LlamaCppBackend } from "./create-llama-cpp-backend.ts";
import { testModelPath } from "./test-model-path.ts";

const profile = labProfile({ recommendedTemperature: 1.25 });
// The lab's answer cue, `\n#### `, is six tokens (one per character).
const cueTokens = 6;

let backend: LlamaCppBackend;

beforeAll(async () => {
  backend = await createLlamaCppBackend({ model: testModelPath(), threads: 1, sequences: 8 });
});

afterAll(async () => {
  await backend?.dispose();
});

function solveLab(strategy: Parameters<typeof solve>[0]["strategy"]): Promise<SolveResult> {
  return solve({
    problem: "61+84+49-17+230=?",
    strategy,
    backend,
    sampling: profile.samplingDefaults,
    promptTemplate: profile.promptTemplate,
    thinkingCues: profile.thinkingCues,
    seed: 3,
  });
}

/** The calls that continue a trace (every generation but the first of each trace), with their usage. */
function continuations(result: SolveResult): GenerationEvent[] {
  const runId = result.trace[0]?.id;
  return result.trace.filter(
    (event): event is GenerationEvent =>
      event.type === "generation" && event.parentId !== runId && event.usage !== undefined,
  );
}

describe("continuing a trace on the embedded backend", () => {
  it("evaluates only the new tokens: a chunk or a probe reuses the cache of the sequence that wrote the trace", async () => {
    const strategy = liveProbing({ n: 4, chunkTokens: 8, agreement: 100, stopWhen: [] });
    const result = await solveLab(strategy);
    const calls = continuations(result);
    expect(calls.length).toBeGreaterThan(8);
    for (const call of calls) {
      const usage = call.usage!;
      // All but the last prompt token (re-evaluated to sample from) are cached; a probe also
      // evaluates its cue.
      expect((usage.promptTokens ?? 0) - (usage.cachedPromptTokens ?? 0)).toBeLessThanOrEqual(cueTokens + 1);
    }
    const generated = result.trace.reduce(
      (sum, event) => sum + (event.type === "generation" ? (event.completionTokens ?? 0) : 0),
      0,
    );
    expect(result.usage.completionTokens).toBe(generated);
    expect(result.candidates).toHaveLength(4);
  }, 120_000);

  it("forces an answer after T tokens of thinking on the cached trace", async () => {
    const result = await solveLab(budgetForcing({ maxThinkingTokens: 12 }));
    const [answer] = continuations(result);
    expect(answer?.usage?.promptTokens).toBe("Q: 61+84+49-17+230=? A:".length + 1 + 12 + cueTokens);
    expect(answer?.usage?.cachedPromptTokens).toBeGreaterThanOrEqual(
      answer!.usage!.promptTokens! - cueTokens - 1,
    );
    expect(result.usage.completionTokens).toBe(12 + (answer?.completionTokens ?? 0));
    expect(result.candidates[0]?.text).toMatch(/^\n61\+84=.*\n#### \d+$/s);
  }, 120_000);
});
