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
  it("resolves a route's model names to the served backends", () => {
    const resolve = servedModelResolver(models);
    expect(resolve("lab-small")).toBe(small);
    expect(resolve("lab-large")).toBe(large);
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
});
