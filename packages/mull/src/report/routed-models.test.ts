import { describe, expect, it } from "vitest";
import type { RunManifest } from "../bench/run-data.ts";
import { routedModels } from "./routed-models.ts";

const manifest = { backend: { kind: "llama-cpp", model: "lab-v2-large" } } as RunManifest;

describe("routedModels", () => {
  it("lists the models the routes name besides the backend's own, with hashes and the strategies using them", () => {
    const routes = {
      byStrategy: {
        "cascade-mass@2x8": "lab-v2-small>lab-v2-large",
        "cascade@8": "lab-v2-tiny>lab-v2-small",
      },
      models: {
        "lab-v2-small": { model: "lab-v2-small", modelHash: "sha256:901c" },
        "lab-v2-large": { model: "lab-v2-large", modelHash: "sha256:e632" },
        "lab-v2-tiny": { model: "lab-v2-tiny", baseUrl: "http://tiny:8080" },
      },
    };
    expect(routedModels(manifest, routes)).toEqual([
      {
        name: "lab-v2-small",
        modelHash: "sha256:901c",
        baseUrl: undefined,
        strategies: ["cascade-mass@2x8", "cascade@8"],
      },
      { name: "lab-v2-tiny", modelHash: undefined, baseUrl: "http://tiny:8080", strategies: ["cascade@8"] },
    ]);
  });

  it("is empty for a run without routes", () => {
    expect(routedModels(manifest, undefined)).toEqual([]);
  });
});
