import { describe, expect, it } from "vitest";
import type { Backend, EngineRates, Prompt } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { optionalMethodsOf } from "./optional-methods.ts";

const prompt: Prompt = { kind: "text", text: "Q: 2+2=? A:" };

/** A backend whose optional methods read its own state through `this`, so an unbound copy would fail. */
function counting(): Backend & { readonly counted: Prompt[]; disposed: boolean } {
  const scripted = createScriptedBackend({ responses: ["#### 4"] });
  return {
    counted: [],
    disposed: false,
    describe: () => scripted.describe(),
    capabilities: () => scripted.capabilities(),
    generate: (request, options) => scripted.generate(request, options),
    score: (request, options) => scripted.score!(request, options),
    async countTokens(this: { counted: Prompt[] }, counted: Prompt) {
      this.counted.push(counted);
      return counted.kind === "text" ? counted.text.length + 1 : 0;
    },
    async measureRates(this: { counted: Prompt[] }): Promise<EngineRates> {
      return { flopsPerSecond: 1e9, bytesPerSecond: 1e8, source: `after ${this.counted.length} counts` };
    },
    async dispose(this: { disposed: boolean }) {
      this.disposed = true;
    },
  };
}

describe("optionalMethodsOf", () => {
  it("forwards countTokens, score and measureRates bound to the backend, and never dispose", async () => {
    const backend = counting();
    const methods = optionalMethodsOf(backend);
    expect(Object.keys(methods).sort()).toEqual(["countTokens", "measureRates", "score"]);
    // Called detached, as a spread wrapper calls them: `this` is still the backend.
    const { countTokens, measureRates } = methods;
    expect(await countTokens?.(prompt)).toBe(12);
    expect(backend.counted).toEqual([prompt]);
    expect((await measureRates?.())?.source).toBe("after 1 counts");
    const scored = await methods.score?.({ prompt, continuation: " 4" });
    expect(scored?.tokens.length).toBeGreaterThan(0);
    expect("dispose" in methods).toBe(false);
  });

  it("leaves a method the backend lacks absent, not present as undefined", () => {
    const scripted = createScriptedBackend({ responses: ["#### 4"] });
    const bare: Backend = {
      describe: () => scripted.describe(),
      capabilities: () => scripted.capabilities(),
      generate: (request) => scripted.generate(request),
    };
    const methods = optionalMethodsOf(bare);
    expect(Object.keys(methods)).toEqual([]);
    const wrapped: Backend = { ...bare, ...methods };
    expect("countTokens" in wrapped).toBe(false);
    expect("score" in wrapped).toBe(false);
    expect("measureRates" in wrapped).toBe(false);
  });
});
