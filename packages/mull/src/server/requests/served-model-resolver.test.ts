import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import type { ServedModel } from "../upstreams/index.ts";
import { servedModelResolver } from "./served-model-resolver.ts";

const small = createScriptedBackend({ responses: ["#### 1"] });
const large = createScriptedBackend({ responses: ["#### 2"] });
const models = new Map([
  ["lab-small", { name: "lab-small", backend: small } as unknown as ServedModel],
  ["lab-large", { name: "lab-large", backend: large } as unknown as ServedModel],
]);

describe("servedModelResolver", () => {
  it("resolves a route's model names to the served backends, named by the served names", async () => {
    const resolve = servedModelResolver(models);
    const request = { prompt: { kind: "text" as const, text: "Q: 1+1=? A:" }, n: 1 };
    const fromSmall = await resolve("lab-small").generate(request);
    const fromLarge = await resolve("lab-large").generate(request);
    expect(fromSmall.completions[0]?.text).toBe("#### 1");
    expect(fromLarge.completions[0]?.text).toBe("#### 2");
    // The scripted backends call themselves "scripted"; the route speaks of the served names.
    expect(small.describe().model).toBe("scripted");
    expect([fromSmall.model, fromLarge.model]).toEqual(["lab-small", "lab-large"]);
    expect(resolve("lab-large").describe()).toEqual({ kind: "scripted", model: "lab-large" });
  });

  it("refuses a name the server does not serve, listing the configured models", () => {
    const resolve = servedModelResolver(models);
    let caught: unknown;
    try {
      resolve("lab-huge");
    } catch (error) {
      caught = error;
    }
    expect(ConfigError.isInstance(caught)).toBe(true);
    expect((caught as ConfigError).field).toBe("model");
    expect((caught as ConfigError).message).toBe(
      'model "lab-huge" in the route is not served here; the configured models are lab-small, lab-large',
    );
  });

  it("forwards the served backend's countTokens where it has one, and leaves it absent where not", async () => {
    const counting = { ...large, countTokens: async () => 20 };
    const resolve = servedModelResolver(
      new Map([
        ["lab-small", { name: "lab-small", backend: small } as unknown as ServedModel],
        ["lab-large", { name: "lab-large", backend: counting } as unknown as ServedModel],
      ]),
    );
    const prompt = { kind: "text" as const, text: "Q: 539-467+192=? A:" };
    expect(await resolve("lab-large").countTokens?.(prompt)).toBe(20);
    expect("countTokens" in resolve("lab-small")).toBe(false);
    // score is forwarded as before.
    expect(resolve("lab-small").score).toBeDefined();
  });
});
