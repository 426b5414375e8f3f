import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { sized } from "../routing/sized-backend.test-support.ts";
import type { Backend } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { assembleServer } from "./assemble-server.ts";
import { parseServerConfig } from "./config/index.ts";

const parameters: Readonly<Record<string, number>> = { "lab-v2-small": 117_952, "lab-v2-large": 2_088_160 };

/** Embedded models described with their sizes, as the embedded engine describes a loaded model. */
function sizedModels() {
  const disposed: string[] = [];
  const loadEmbedded = async (model: string): Promise<Backend> => ({
    ...sized(createScriptedBackend({ responses: ["#### 1"], model }), parameters[model] ?? 1),
    dispose: async () => {
      disposed.push(model);
    },
  });
  return { disposed, loadEmbedded };
}

function configRouting(strategy: string) {
  return parseServerConfig({
    upstreams: [{ name: "lab", kind: "embedded", models: ["lab-v2-small", "lab-v2-large"] }],
    routes: [{ name: "routed", strategy }],
  });
}

describe("assembleServer: a strategy route over models of known sizes", () => {
  it("refuses a route that runs largest first before serving, and disposes the models it loaded", async () => {
    const { disposed, loadEmbedded } = sizedModels();
    const refusal = await assembleServer(configRouting("cascade@8:lab-v2-large>lab-v2-small"), {
      loadEmbedded,
      logger: pino({ level: "silent" }),
    }).then(
      async (assembled) => {
        await assembled.dispose();
        return undefined;
      },
      (error: unknown) => error,
    );
    expect(ConfigError.isInstance(refusal)).toBe(true);
    expect((refusal as ConfigError).field).toBe("routes[0].strategy");
    expect((refusal as ConfigError).message).toContain(
      "cascade: route lab-v2-large>lab-v2-small puts lab-v2-large (2,088,160 parameters) before " +
        "lab-v2-small (117,952 parameters); expected the smallest first (lab-v2-small>lab-v2-large)",
    );
    expect(disposed.sort()).toEqual(["lab-v2-large", "lab-v2-small"]);
  });

  it("serves a route that runs smallest first", async () => {
    const { loadEmbedded } = sizedModels();
    const assembled = await assembleServer(configRouting("cascade@8:lab-v2-small>lab-v2-large"), {
      loadEmbedded,
      logger: pino({ level: "silent" }),
    });
    try {
      const listed = await assembled.server.app.request("/v1/models");
      const body = (await listed.json()) as { data: { id: string }[] };
      expect(body.data.map((model) => model.id)).toContain("routed");
    } finally {
      await assembled.dispose();
    }
  });
});
