import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { buildModelRoutes } from "../model-routes/index.ts";
import { modelEntries, parseServerConfig } from "./server-config.ts";

const upstream = {
  name: "vllm",
  baseUrl: "https://llm.example.com/v1",
  models: ["small", { name: "large", pricePerToken: 4 }],
};

function failure(value: Record<string, unknown>): ConfigError {
  try {
    parseServerConfig({ upstreams: [upstream], ...value }, "serve.json");
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("the config was accepted");
}

describe("routes in the server config", () => {
  it("reads a bandit route and the models' prices (default 1 per token)", () => {
    const config = parseServerConfig({
      upstreams: [upstream],
      routes: [{ name: "auto", models: ["small", "large"], policy: "thompson", lambda: 0.5, seed: 3 }],
    });
    const [first] = config.upstreams;
    if (first === undefined) throw new Error("no upstream");
    expect(modelEntries(first).map((model) => model.pricePerToken)).toEqual([1, 4]);
    const routes = buildModelRoutes(config);
    const auto = routes.bandits.get("auto");
    expect(auto?.router.policy).toBe("thompson");
    expect(auto?.router.lambda).toBe(0.5);
    expect([...(auto?.prices ?? [])]).toEqual([
      ["small", 1],
      ["large", 4],
    ]);
  });

  it.each([
    [
      "an unknown model in a pool",
      { routes: [{ name: "auto", models: ["small", "huge"], policy: "ucb" }] },
      "routes[0].models[1]",
      /"huge" is not a served model; served: small, large/,
    ],
    [
      "a one-model pool",
      { routes: [{ name: "auto", models: ["small"], policy: "ucb" }] },
      "routes[0].models",
      /two or more models/,
    ],
    [
      "a model twice in a pool",
      { routes: [{ name: "auto", models: ["small", "large", "small"], policy: "ucb" }] },
      "routes[0].models",
      /: routes\[0\]\.models: the route \["small","large","small"\] of "auto" names "small" twice; expected a different model at each place of the route$/,
    ],
    [
      "an unknown policy",
      { routes: [{ name: "auto", models: ["small", "large"], policy: "epsilon" }] },
      "routes[0].policy",
      /routes\[0\]\.policy: expected "ucb" or "thompson"/,
    ],
    [
      "a pool without a policy",
      { routes: [{ name: "auto", models: ["small", "large"] }] },
      "routes[0].policy",
      /policy is missing: expected one of ucb, thompson/,
    ],
    [
      "a negative λ",
      { routes: [{ name: "auto", models: ["small", "large"], policy: "ucb", lambda: -1 }] },
      "routes[0].lambda",
      /routes\[0\]\.lambda/,
    ],
    [
      "a route named as a served model",
      { routes: [{ name: "small", models: ["small", "large"], policy: "ucb" }] },
      "routes[0].name",
      /already a served model/,
    ],
    [
      "a strategy route over an unknown model",
      { routes: [{ name: "smart", strategy: "cascade@8:small>huge" }] },
      "routes[0].strategy",
      /"huge", which is not a served model; served: small, large/,
    ],
    [
      "a strategy route without models",
      { routes: [{ name: "smart", strategy: "cascade@8" }] },
      "routes[0].strategy",
      /names no models/,
    ],
    [
      "a strategy route whose threshold is out of range",
      { routes: [{ name: "smart", strategy: "cascade@8t2:small>large" }] },
      "routes[0].strategy",
      /^serve\.json: routes\[0\]\.strategy: "cascade@8t2:small>large" gives T = 2 in cascade@NtT; expected a number above 0 and at most 1$/,
    ],
    [
      "a two-model router given three models",
      {
        upstreams: [{ ...upstream, models: ["small", "middle", "large"] }],
        routes: [{ name: "smart", strategy: "bild@0.5:small>middle>large" }],
      },
      "routes[0].strategy",
      /exactly two/,
    ],
  ])("refuses %s, naming the field", (_, value, field, message) => {
    const error = failure(value);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it("refuses a negative price, naming the field", () => {
    const error = failure({
      upstreams: [{ ...upstream, models: ["small", { name: "large", pricePerToken: -2 }] }],
    });
    expect(error.field).toBe("upstreams[0].models[1].pricePerToken");
    expect(error.message).toMatch(/upstreams\[0\]\.models\[1\]\.pricePerToken: expected a price ≥ 0/);
  });

  it("keeps a strategy route's spec for the request planner", () => {
    const config = parseServerConfig({
      upstreams: [upstream],
      routes: [{ name: "smart", strategy: "cascade@8:small>large" }],
    });
    expect(buildModelRoutes(config).strategies.get("smart")).toBe("cascade@8:small>large");
  });
});
