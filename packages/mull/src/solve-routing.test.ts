import { describe, expect, it, vi } from "vitest";
import { ConfigError } from "./errors/index.ts";
import { cascade } from "./routing/index.ts";
import { solve } from "./solve.ts";
import type { Backend } from "./spec/index.ts";
import { eachModelGreedy } from "./strategies/each-model.test-support.ts";
import { createScriptedBackend } from "./testing/scripted-backend.ts";

// A routing entry the real catalog does not hold, so that specs with a route reach `solve`'s resolver.
vi.mock("./strategies/catalog.ts", async (importOriginal) => {
  const original = await importOriginal<typeof import("./strategies/catalog.ts")>();
  const { eachModelGreedyEntry } = await import("./strategies/each-model.test-support.ts");
  return { ...original, strategyCatalog: [...original.strategyCatalog, eachModelGreedyEntry] };
});

function twoModels() {
  const small = createScriptedBackend({ model: "small-model", responses: ["two words\n#### 7"] });
  const large = createScriptedBackend({
    model: "large-model",
    responses: ["a longer solution of seven words\n#### 8"],
  });
  return { small, large };
}

describe("solve with a routing strategy", () => {
  it("reports usage per model when two models generated", async () => {
    const { small, large } = twoModels();
    const strategy = eachModelGreedy([
      { name: "small", backend: small },
      { name: "large", backend: large },
    ]);
    const result = await solve({ problem: "7+1?", strategy, backend: large, seed: 3 });
    expect(result.answer).toBe("8");
    expect(small.calls).toHaveLength(1);
    expect(large.calls).toHaveLength(1);
    const byModel = result.usageByModel!;
    expect(Object.keys(byModel).sort()).toEqual(["large-model", "small-model"]);
    // The scripted backends count one token per word: 4 and 8 completion tokens.
    expect(byModel["small-model"]!.completionTokens).toBe(4);
    expect(byModel["large-model"]!.completionTokens).toBe(8);
    expect(byModel["small-model"]!.calls + byModel["large-model"]!.calls).toBe(result.usage.calls);
    expect(byModel["small-model"]!.completionTokens! + byModel["large-model"]!.completionTokens!).toBe(
      result.usage.completionTokens,
    );
  });

  it("reports usage per model for a route whose first model alone generated", async () => {
    const { small, large } = twoModels();
    const resolveModel = (name: string): Backend => (name === "s" ? small : large);
    // The small model agrees with itself: the cascade settles there, without escalating.
    const spec = await solve({ problem: "7+1?", strategy: "cascade@2:s>l", backend: large, resolveModel });
    expect(spec.answer).toBe("7");
    expect(large.calls).toHaveLength(0);
    expect(spec.usageByModel).toEqual({ "small-model": spec.usage });

    const models = [
      { name: "s", backend: small },
      { name: "l", backend: large },
    ];
    const built = await solve({ problem: "7+1?", strategy: cascade({ models, small: 2 }), backend: large });
    expect(large.calls).toHaveLength(0);
    expect(built.usageByModel).toEqual({ "small-model": built.usage });
    expect(built.usage.completionTokens).toBe(2 * 4);
  });

  it("leaves usageByModel out when one model generated", async () => {
    const { large } = twoModels();
    const result = await solve({ problem: "7+1?", strategy: "greedy", backend: large });
    expect(result.answer).toBe("8");
    expect(result.usageByModel).toBeUndefined();
  });

  it("resolves a spec's route, or the default route, through resolveModel", async () => {
    const { small, large } = twoModels();
    const asked: string[] = [];
    const resolveModel = (name: string): Backend => {
      asked.push(name);
      if (name === "s") return small;
      if (name === "l") return large;
      throw new ConfigError(`no model ${name}`, { field: "strategy" });
    };
    const named = await solve({ problem: "7+1?", strategy: "each-greedy:s>l", backend: large, resolveModel });
    expect(asked).toEqual(["s", "l"]);
    expect(named.answer).toBe("8");
    expect(Object.keys(named.usageByModel ?? {}).sort()).toEqual(["large-model", "small-model"]);

    const routed = await solve({
      problem: "7+1?",
      strategy: "each-greedy",
      backend: large,
      resolveModel,
      route: ["s", "l"],
    });
    expect(asked).toEqual(["s", "l", "s", "l"]);
    expect(routed.usageByModel?.["small-model"]?.completionTokens).toBe(4);

    await expect(
      solve({ problem: "7+1?", strategy: "each-greedy:s>x", backend: large, resolveModel }),
    ).rejects.toThrow("no model x");
    await expect(
      solve({ problem: "7+1?", strategy: "each-greedy", backend: large, resolveModel }),
    ).rejects.toThrow(/routes between models; name them after the spec/);
    await expect(solve({ problem: "7+1?", strategy: "each-greedy:s>l", backend: large })).rejects.toThrow(
      /pass resolveModel/,
    );
  });
});
