import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { defaultModelProfile } from "../generation/index.ts";
import { createScriptedBackend } from "../testing/index.ts";
import type { ResolvedBackend } from "./create-backend.ts";
import { loadRouteModels } from "./route-models.ts";

const labDirectory = new URL("../../../llama-cpp/models/", import.meta.url);
const labModelsPresent = ["lab-v2-small.gguf", "lab-small.gguf"].every((file) =>
  existsSync(fileURLToPath(new URL(file, labDirectory))),
);

/** A main backend that stands for `model` (scripted: nothing here generates with it). */
function mainBackend(model: string): ResolvedBackend {
  return {
    backend: createScriptedBackend({ responses: ["#### 1"], model }),
    model,
    profile: defaultModelProfile,
    dispose: async () => {},
  };
}

describe("loadRouteModels without --small-model", () => {
  it.skipIf(!labModelsPresent)(
    "routes an embedded lab model's routing specs from its family's small model, v2 and v1",
    async () => {
      for (const [large, small] of [
        ["lab-v2-large", "lab-v2-small"],
        ["lab-large", "lab-small"],
      ] as const) {
        const routes = await loadRouteModels({
          flags: { threads: 1 },
          main: mainBackend(large),
          specs: ["bild@0.7x0.1"],
          specFlag: "--strategy",
        });
        try {
          expect(routes.defaultRoute).toEqual([small, large]);
          expect(routes.loaded).toEqual([small]);
          expect(routes.resolveModel(small).describe().model).toMatch(new RegExp(`${small}(\\.gguf)?$`));
        } finally {
          await routes.dispose();
        }
      }
    },
  );

  it("keeps --small-model over the family's default, and names no default where there is none", async () => {
    const given = await loadRouteModels({
      flags: { baseUrl: "http://127.0.0.1:9/v1" },
      main: mainBackend("lab-v2-large"),
      specs: ["cascade@4"],
      smallModel: "lab-small",
      specFlag: "--strategy",
    });
    expect(given.defaultRoute).toEqual(["lab-small", "lab-v2-large"]);
    await given.dispose();
    // Over HTTP the server's models are its own: no family default.
    const http = await loadRouteModels({
      flags: { baseUrl: "http://127.0.0.1:9/v1" },
      main: mainBackend("lab-v2-large"),
      specs: ["cascade@4"],
      specFlag: "--strategy",
    });
    expect(http.defaultRoute).toBeUndefined();
    // The family's smallest model, a model of no lab family, and specs that all name their route.
    for (const [model, spec] of [
      ["lab-v2-small", "cascade@4"],
      ["/models/other.gguf", "cascade@4"],
      ["lab-v2-large", "cascade@4:lab-v2-large>lab-v2-large"],
    ] as const) {
      const routes = await loadRouteModels({
        flags: {},
        main: mainBackend(model),
        specs: [spec],
        specFlag: "--strategy",
      });
      expect(routes.defaultRoute).toBeUndefined();
      expect(routes.loaded).toEqual([]);
    }
  });
});

describe("loadRouteModels with an allocation over the batch", () => {
  it("loads the models an allocation's route names, and no default small model for one without", async () => {
    const routes = await loadRouteModels({
      flags: { baseUrl: "http://127.0.0.1:9/v1" },
      main: mainBackend("qwen-72b"),
      specs: ["sc@4", "alloc@4p2:qwen-7b>qwen-72b", "alloc@8"],
      specFlag: "--strategies",
    });
    try {
      expect(routes.loaded).toEqual(["qwen-7b"]);
      expect(routes.defaultRoute).toBeUndefined();
      expect(routes.resolveModel("qwen-7b").describe().model).toBe("qwen-7b");
      expect(routes.resolveModel("qwen-72b").describe().model).toBe("qwen-72b");
    } finally {
      await routes.dispose();
    }
  });
});
