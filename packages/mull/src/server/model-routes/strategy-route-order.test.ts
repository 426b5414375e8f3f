import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { defaultModelProfile } from "../../generation/index.ts";
import { refuseLargestFirst } from "../../routing/route-order.ts";
import { sized } from "../../routing/sized-backend.test-support.ts";
import type { Backend } from "../../spec/index.ts";
import { createScriptedBackend } from "../../testing/scripted-backend.ts";
import { parseServerConfig, type ServerConfigInput } from "../config/index.ts";
import { createServer } from "../create-server.ts";
import type { ServedModel } from "../upstreams/index.ts";
import { buildModelRoutes } from "./model-routes.ts";

const smallParameters = 117_952;
const largeParameters = 2_088_160;

function servedAs(name: string, backend: Backend): ServedModel {
  return {
    name,
    upstream: "up",
    backend,
    kind: "other",
    profile: defaultModelProfile,
    contextWindow: undefined,
    scorer: undefined,
  };
}

const scripted = () => createScriptedBackend({ answers: { distribution: { "42": 1 } } });
const small = servedAs("lab-v2-small", sized(scripted(), smallParameters));
const large = servedAs("lab-v2-large", sized(scripted(), largeParameters));
const unsized = servedAs("other-model", scripted());

function configWith(routes: NonNullable<ServerConfigInput["routes"]>) {
  return parseServerConfig({
    upstreams: [
      {
        name: "up",
        baseUrl: "https://llm.example.com/v1",
        models: ["lab-v2-small", "lab-v2-large", "other-model"],
      },
    ],
    routes,
  });
}

function serverWith(routes: NonNullable<ServerConfigInput["routes"]>) {
  return createServer({
    config: configWith(routes),
    models: [small, large, unsized],
    logger: pino({ level: "silent" }),
  });
}

/** The error `run` throws, or `undefined` when it returns. */
function refusal(run: () => unknown): unknown {
  try {
    run();
    return undefined;
  } catch (error) {
    return error;
  }
}

/** What `refuseLargestFirst` says of a route of these served models, under `owner`. */
function largestFirstMessage(owner: string, models: readonly ServedModel[]): string {
  const error = refusal(() => refuseLargestFirst(owner, models));
  if (!(error instanceof Error)) throw new Error("refuseLargestFirst let the route pass");
  return error.message;
}

describe("a strategy route that runs its models largest first", () => {
  it("is refused when the server is created, with refuseLargestFirst's message", () => {
    const strategy = "cascade@8:lab-v2-large>lab-v2-small";
    const error = refusal(() => serverWith([{ name: "routed", strategy }]));
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).field).toBe("routes[0].strategy");
    const expected = largestFirstMessage("cascade", [large, small]);
    expect(expected).toBe(
      "cascade: route lab-v2-large>lab-v2-small puts lab-v2-large (2,088,160 parameters) before " +
        "lab-v2-small (117,952 parameters); expected the smallest first (lab-v2-small>lab-v2-large)",
    );
    expect((error as ConfigError).message).toBe(`routes[0].strategy "${strategy}": ${expected}`);
  });

  it("names the entry of the route, after routes that pass", () => {
    const error = refusal(() =>
      serverWith([
        { name: "upward", strategy: "cascade@8:lab-v2-small>lab-v2-large" },
        { name: "pool", models: ["lab-v2-large", "lab-v2-small"], policy: "ucb" },
        { name: "split", strategy: "bild@0.5:lab-v2-large>lab-v2-small" },
      ]),
    );
    expect((error as ConfigError).field).toBe("routes[2].strategy");
    expect((error as ConfigError).message).toMatch(
      /^routes\[2\]\.strategy "bild@0\.5:lab-v2-large>lab-v2-small": \w+: route lab-v2-large>lab-v2-small puts lab-v2-large \(2,088,160 parameters\) before lab-v2-small/,
    );
  });

  it("is the refusal a request for the route in its model field gets", async () => {
    const server = serverWith([]);
    const response = await server.app.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "cascade@8:lab-v2-large>lab-v2-small",
        messages: [{ role: "user", content: "What is 6 times 7?" }],
      }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toContain(largestFirstMessage("cascade", [large, small]));
  });
});

describe("strategy routes the start-up check lets through", () => {
  it("starts a server whose route runs smallest first, or over a model of unknown size", () => {
    const server = serverWith([
      { name: "upward", strategy: "cascade@8:lab-v2-small>lab-v2-large" },
      { name: "unknown", strategy: "cascade@8:lab-v2-large>other-model" },
      { name: "pool", models: ["lab-v2-large", "lab-v2-small"], policy: "ucb" },
    ]);
    expect(server.app).toBeDefined();
  });

  it("leaves a route whose models are not among those given to the request", () => {
    const config = configWith([{ name: "routed", strategy: "cascade@8:lab-v2-large>lab-v2-small" }]);
    expect(buildModelRoutes(config).strategies.get("routed")).toBe("cascade@8:lab-v2-large>lab-v2-small");
    expect(() => buildModelRoutes(config, new Map([["lab-v2-large", large]]))).not.toThrow();
    expect(() =>
      buildModelRoutes(
        config,
        new Map([
          ["lab-v2-large", large],
          ["lab-v2-small", small],
        ]),
      ),
    ).toThrow(largestFirstMessage("cascade", [large, small]));
  });
});
