import { describe, expect, it } from "vitest";
import { routesFromConfig } from "./routes-from-config.ts";

describe("routesFromConfig", () => {
  it("reads each routing strategy's route and each routed model's name and hash", () => {
    const config = {
      strategies: ["greedy", "cascade-mass@2x8"],
      routes: {
        byStrategy: { "cascade-mass@2x8": "lab-v2-small>lab-v2-large" },
        models: {
          "lab-v2-small": { model: "lab-v2-small", modelHash: "sha256:901c" },
          "lab-v2-large": { model: "lab-v2-large", modelHash: "sha256:e632" },
        },
      },
    };
    const expected = {
      byStrategy: { "cascade-mass@2x8": "lab-v2-small>lab-v2-large" },
      models: {
        "lab-v2-small": { model: "lab-v2-small", modelHash: "sha256:901c" },
        "lab-v2-large": { model: "lab-v2-large", modelHash: "sha256:e632" },
      },
    };
    expect(routesFromConfig(config)).toEqual(expected);
    // The SQLite column is text.
    expect(routesFromConfig(JSON.stringify(config))).toEqual(expected);
  });

  it("gives nothing for a run without routes or with a configuration it cannot read", () => {
    expect(routesFromConfig({ strategies: ["sc@8"] })).toBeUndefined();
    expect(routesFromConfig(undefined)).toBeUndefined();
    expect(routesFromConfig({ routes: { byStrategy: "small>large" } })).toBeUndefined();
  });
});
