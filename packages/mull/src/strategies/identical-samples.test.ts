import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { labProfile } from "../lab/index.ts";
import { type SolveOptions, solve } from "../solve.ts";
import type { Strategy } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { refuseIdenticalSamples } from "./identical-samples.ts";
import { selfConsistency } from "./index.ts";

const sc8: Pick<Strategy, "name" | "samples" | "parameters"> = {
  name: "sc@8",
  samples: 8,
  parameters: { n: 8 },
};

describe("refuseIdenticalSamples", () => {
  it("refuses several samples at temperature 0, naming the field, the value and what was expected", () => {
    let error: unknown;
    try {
      refuseIdenticalSamples({
        owner: "solve",
        strategy: sc8,
        temperature: 0,
        field: "sampling.temperature",
      });
    } catch (thrown) {
      error = thrown;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).field).toBe("sampling.temperature");
    expect((error as ConfigError).message).toBe(
      "solve: sampling.temperature must be above 0 for strategy sc@8, got 0: it draws 8 samples, and at temperature 0 they would all be the same. Use a temperature above 0, or the greedy strategy",
    );
  });

  it("takes one sample at 0, several above 0 or at the strategy's default, and a strategy's own temperature", () => {
    const take = (strategy: typeof sc8, temperature: unknown) =>
      refuseIdenticalSamples({ owner: "solve", strategy, temperature, field: "temperature" });
    expect(() => take({ name: "greedy", samples: 1, parameters: { temperature: 0 } }, 0)).not.toThrow();
    expect(() => take(sc8, 0.7)).not.toThrow();
    expect(() => take(sc8, undefined)).not.toThrow();
    // Its samples are drawn at its own temperature, whatever the run's.
    const own = { name: "sc@8", samples: 8, parameters: { n: 8, temperature: 0.8 } };
    expect(() => take(own, 0)).not.toThrow();
  });
});

describe("solve: samples that would all be the same", () => {
  /** The error `solve` rejects with for `options` (on a scripted backend), and the calls it made. */
  async function refusal(options: Partial<SolveOptions>) {
    const backend = createScriptedBackend({ responses: ["#### 4"] });
    const error = await solve({ problem: "2+2=?", strategy: "sc@8", backend, ...options }).catch(
      (thrown: unknown) => thrown,
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(backend.calls).toHaveLength(0);
    return error as ConfigError;
  }

  it("refuses a voting strategy at sampling.temperature 0 before any call", async () => {
    const error = await refusal({ sampling: { temperature: 0 } });
    expect(error.field).toBe("sampling.temperature");
    expect(error.message).toMatch(/^solve: sampling\.temperature must be above 0 for strategy sc@8, got 0/);
    expect((await refusal({ strategy: "pasc@4", sampling: { temperature: 0 } })).message).toMatch(
      /strategy pasc@4, got 0: it draws 4 samples/,
    );
  });

  it("names the profile's default when the temperature of 0 came from it", async () => {
    const profile = {
      ...labProfile(),
      samplingDefaults: { ...labProfile().samplingDefaults, temperature: 0 },
    };
    const error = await refusal({ profile });
    expect(error.field).toBe("profile.samplingDefaults.temperature");
  });

  it("runs greedy at 0, and a strategy that sets its own temperature whatever the run's", async () => {
    const greedy = await solve({
      problem: "2+2=?",
      strategy: "greedy",
      backend: createScriptedBackend({ responses: ["#### 4"] }),
      sampling: { temperature: 0 },
    });
    expect(greedy.answer).toBe("4");
    const backend = createScriptedBackend({ responses: ["#### 4", "#### 4"] });
    const own = await solve({
      problem: "2+2=?",
      strategy: selfConsistency({ n: 2, temperature: 0.9 }),
      backend,
      sampling: { temperature: 0 },
    });
    expect(own.answer).toBe("4");
    expect(backend.calls.map((call) => call.request.temperature)).toEqual([0.9]);
  });

  it("refuses a sampling.maxTokens that is not an integer ≥ 1 before the budget reserves it", async () => {
    for (const maxTokens of [-1, 0, 1.5]) {
      const error = await refusal({ sampling: { maxTokens }, budget: { maxTotalTokens: 1_000 } });
      expect(error.field).toBe("sampling.maxTokens");
      expect(error.message).toBe(`solve: sampling.maxTokens must be an integer ≥ 1, got ${maxTokens}`);
    }
  });
});
