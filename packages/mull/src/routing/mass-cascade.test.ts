import { describe, expect, it } from "vitest";
import { CapabilityError, ConfigError } from "../errors/index.ts";
import { solve } from "../solve.ts";
import type { TraceEvent } from "../spec/index.ts";
import { parseStrategySpec } from "../strategies/parse-strategy-spec.ts";
import { createScriptedBackend, type ScriptedCompletion } from "../testing/scripted-backend.ts";
import { usageByModel } from "../trace/index.ts";
import { massCascade } from "./mass-cascade.ts";

function notes(trace: readonly TraceEvent[]): string[] {
  return trace.flatMap((event) => (event.type === "note" ? [event.message] : []));
}

/** The large model: one trace of probability 0.7 answering 9, certified at once. */
const largeResponses: (string | ScriptedCompletion)[] = [{ text: "l #### 9", logprob: Math.log(0.7) }];

async function run(smallResponses: (string | ScriptedCompletion)[], small = 2, large = 8) {
  const backends = {
    small: createScriptedBackend({ responses: smallResponses, model: "small" }),
    large: createScriptedBackend({ responses: largeResponses, model: "large" }),
  };
  const strategy = massCascade({
    models: [
      { name: "small", backend: backends.small },
      { name: "large", backend: backends.large },
    ],
    small,
    large,
  });
  const result = await solve({ problem: "q", strategy, backend: backends.small });
  return { result, ...backends };
}

describe("massCascade", () => {
  it("answers with the small model when its leader's mass is certified, without calling the large one", async () => {
    const { result, small, large } = await run([{ text: "a #### 7", logprob: Math.log(0.6) }]);
    expect(result).toMatchObject({ strategy: "cascade-mass@2x8", answer: "7" });
    expect(small.calls).toHaveLength(1);
    expect(large.calls).toHaveLength(0);
    expect(notes(result.trace)).toContain(
      "cascade: small settled (condition:mass-certified): answering with small",
    );
  });

  it("escalates when the small model draws its samples without a certificate, even when they agree", async () => {
    // Two distinct traces for 7 with 0.2 of the mass: 8 could still hold the other 0.8.
    const { result, small, large } = await run([
      { text: "a #### 7", logprob: Math.log(0.1) },
      { text: "b #### 7", logprob: Math.log(0.1) },
    ]);
    expect(small.calls).toHaveLength(2);
    expect(large.calls).toHaveLength(1);
    expect(result.answer).toBe("9");
    expect(result.candidates.map((candidate) => candidate.answer)).toEqual(["7", "7", "9"]);
    expect(notes(result.trace)).toContain(
      "cascade: small stopped without settling (complete): escalating to large",
    );
    const byModel = usageByModel(result.trace);
    expect(Object.keys(byModel).sort()).toEqual(["large", "small"]);
    expect(result.strategy).toBe("cascade-mass@2x8");
    expect(large.calls[0]!.request.logprobs).toBe(true);
  });

  it("runs as without a budget under maxScoreCalls: 0, since neither model's mass calls a scorer", async () => {
    const small = createScriptedBackend({
      responses: [
        { text: "a #### 7", logprob: Math.log(0.1) },
        { text: "b #### 7", logprob: Math.log(0.1) },
      ],
      model: "small",
    });
    const large = createScriptedBackend({ responses: largeResponses, model: "large" });
    const strategy = massCascade({
      models: [
        { name: "small", backend: small },
        { name: "large", backend: large },
      ],
      small: 2,
      large: 8,
    });
    const result = await solve({ problem: "q", strategy, backend: small, budget: { maxScoreCalls: 0 } });
    expect(result).toMatchObject({ answer: "9", stoppedBy: "condition:mass-certified", partial: false });
    expect(small.calls).toHaveLength(2);
    expect(large.calls).toHaveLength(1);
  });

  it("with greedyFirst opens each model's mass with its greedy trace (cascade-mass@NxMg)", async () => {
    const small = createScriptedBackend({
      responses: [
        { text: "a #### 7", logprob: Math.log(0.3) },
        { text: "b #### 8", logprob: Math.log(0.3) },
      ],
      model: "small",
    });
    const large = createScriptedBackend({ responses: largeResponses, model: "large" });
    const resolveModel = (name: string) => (name === "small" ? small : large);
    const strategy = parseStrategySpec("cascade-mass@2x8g:small>large", { resolveModel });
    expect(strategy.parameters).toMatchObject({ strategies: ["mass@2g", "mass@8g"] });
    const result = await solve({ problem: "q", strategy, backend: small });
    expect(result).toMatchObject({ strategy: "cascade-mass@2x8g", answer: "9" });
    // Greedy then one sample on the small model, no certificate; the large model's greedy trace settles it.
    expect(small.calls.map((call) => call.request.temperature)).toEqual([0, 0.7]);
    expect(large.calls.map((call) => call.request.temperature)).toEqual([0]);
  });

  it("is in the catalog as cascade-mass@N and cascade-mass@NxM, needing log-probabilities", async () => {
    const small = createScriptedBackend({ responses: ["#### 7"], model: "small" });
    const large = createScriptedBackend({ responses: ["#### 9"], model: "large" });
    const resolveModel = (name: string) => (name === "small" ? small : large);
    expect(parseStrategySpec("cascade-mass@4:small>large", { resolveModel }).name).toBe("cascade-mass@4");
    const strategy = parseStrategySpec("cascade-mass@2x8:small>large", { resolveModel });
    expect(strategy.parameters).toMatchObject({
      models: ["small", "large"],
      strategies: ["mass@2", "mass@8"],
      settle: "stopped",
    });
    const blind = createScriptedBackend({ responses: ["#### 7"], capabilities: { logprobs: false } });
    await expect(
      solve({
        problem: "q",
        strategy: massCascade({
          models: [
            { name: "blind", backend: blind },
            { name: "large", backend: large },
          ],
          small: 2,
        }),
        backend: blind,
      }),
    ).rejects.toSatisfy((error) => CapabilityError.isInstance(error) && error.capability === "logprobs");
    expect(() => massCascade({ models: [{ name: "small", backend: small }], small: 2 })).toThrow(ConfigError);
    expect(() =>
      massCascade({
        models: [
          { name: "small", backend: small },
          { name: "large", backend: large },
        ],
        small: 0,
      }),
    ).toThrow(/massCascade.*small/);
  });
});
