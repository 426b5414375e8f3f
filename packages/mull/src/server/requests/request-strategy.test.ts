import { describe, expect, it } from "vitest";
import { ApiError } from "../http/index.ts";
import type { ServedModel } from "../upstreams/index.ts";
import { plannedModel } from "./planning.test-support.ts";
import { type NamedStrategy, requestStrategy, resolveModel, strategySpec } from "./request-strategy.ts";

const served = plannedModel();
const models = new Map([["m", served]]);
const key = "sk-proj-SECRETSECRETSECRETSECRET";

/** The 400 a strategy gets: its param and message. */
function refusal(run: () => unknown): { param: string | undefined; message: string } {
  try {
    run();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    expect(error.status).toBe(400);
    return { param: error.param, message: error.message };
  }
  throw new Error("expected a 400");
}

const parsed = (named: NamedStrategy) => () => requestStrategy(named, undefined, served, models);

describe("requestStrategy: what a refusal shows of the spec", () => {
  it.each([
    `${key}@8`,
    key,
    `asc(${key})`,
    `gen@4+verify+${key}`,
  ])("shows no part of %s over 16 characters, only its length", (spec) => {
    const { param, message } = refusal(parsed({ spec, param: "mull.strategy" }));
    expect(param).toBe("mull.strategy");
    expect(message).not.toMatch(/SECRET/i);
    expect(message).toMatch(/\(a string of \d+ characters\)/);
  });

  it("names the length of the spec refused, and still says what specs look like", () => {
    const { message } = refusal(parsed({ spec: `${key}@8`, param: "model" }));
    expect(message).toMatch(
      new RegExp(
        `^unknown spec \\(a string of ${key.length + 2} characters\\); expected one of greedy, single, sc@N`,
      ),
    );
  });

  it("shows a short spec as it was given", () => {
    expect(refusal(parsed({ spec: "zz@3", param: "model" })).message).toMatch(
      /^unknown spec "zz@3"; expected/,
    );
  });

  it("quotes a whole spec that parsed but needs what the model lacks", () => {
    const spec = "gen@4+test+rank-prm@2";
    expect(refusal(parsed({ spec, param: "model" })).message).toBe(
      `strategy "${spec}" is a step-level search and needs a process reward model, and model "m" has none configured (upstreams[].prm)`,
    );
  });
});

describe("strategySpec: what a contradiction shows", () => {
  it("shows a long mull.strategy by its length only", () => {
    expect(refusal(() => strategySpec("sc@8", { strategy: key }))).toEqual({
      param: "mull.strategy",
      message: `mull.strategy (a string of ${key.length} characters) contradicts the model prefix "sc@8"; give the strategy once`,
    });
    expect(refusal(() => strategySpec(undefined, { strategy: `bon@4x${key}`, n: 4 })).message).toBe(
      `mull.n 4 contradicts mull.strategy (a string of ${key.length + 6} characters); give the count once`,
    );
  });
});

describe("strategySpec: mull.n beside a model prefix", () => {
  it("refuses a count that differs from the prefix's, on mull.n, rather than dropping it", () => {
    expect(refusal(() => strategySpec("sc@4", { n: 100_000 }))).toEqual({
      param: "mull.n",
      message: 'mull.n 100000 contradicts the model prefix "sc@4"; give the count once',
    });
    expect(refusal(() => strategySpec("sc@4", { n: 8 })).param).toBe("mull.n");
  });

  it("takes a count equal to the prefix's, and a prefix alone", () => {
    expect(strategySpec("SC@4", { n: 4 })).toEqual({ spec: "SC@4", param: "model" });
    expect(strategySpec("sc@4", undefined)).toEqual({ spec: "sc@4", param: "model" });
  });
});

describe("requestStrategy: a routing spec without models", () => {
  const small: ServedModel = { ...served, name: "lab-v2-small" };
  const large: ServedModel = { ...served, name: "lab-v2-large" };
  const routed = new Map([
    ["lab-v2-small", small],
    ["lab-v2-large", large],
  ]);
  const refused = (named: NamedStrategy) => refusal(() => requestStrategy(named, undefined, large, routed));

  it("says how the model field names the route, with the served models, not a library option", () => {
    // `model: "cascade@4:lab-v2-large"` names one served model, so no route.
    const { served: named, prefix, route } = resolveModel("cascade@4:lab-v2-large", routed);
    expect([named.name, prefix, route]).toEqual(["lab-v2-large", "cascade@4", undefined]);
    const { param, message } = refusal(() =>
      requestStrategy({ spec: prefix!, param: "model" }, route, named, routed),
    );
    expect(param).toBe("model");
    expect(message).toBe(
      'strategy "cascade@4" routes between models; name two or more served models in the model field after ' +
        'the spec, smallest first, separated by ">" (cascade@4:small>large); this server serves lab-v2-small, ' +
        "lab-v2-large (see GET /v1/models)",
    );
  });

  it("hides a spec over 16 characters wherever the message names it, quoted or in the example", () => {
    const spec = "cascade@4x16t0.875";
    const { param, message } = refused({ spec, param: "mull.strategy" });
    expect(param).toBe("mull.strategy");
    expect(message).toMatch(/^strategy \(a string of 18 characters\) routes between models; /);
    expect(message).toContain("((a string of 18 characters):small>large)");
    expect(message).not.toContain(spec);
  });

  it("says so when the server serves one model only", () => {
    expect(refusal(parsed({ spec: "cascade@4", param: "model" })).message).toMatch(
      /\(cascade@4:small>large\); this server serves only m, so it has no route to run$/,
    );
  });

  it.each([
    "bild@0.5",
    "glimp@0.6",
    "glimp@0.6k4h",
  ])("asks %s, a router of a small and a large model, for exactly two served models", (spec) => {
    const three = new Map([...routed, ["lab-v2-medium", { ...served, name: "lab-v2-medium" }]]);
    const { param, message } = refusal(() =>
      requestStrategy({ spec, param: "model" }, undefined, large, three),
    );
    expect(param).toBe("model");
    expect(message).toBe(
      `strategy "${spec}" routes between models; name exactly two served models in the model field after ` +
        `the spec, smallest first, separated by ">" (${spec}:small>large); this server serves lab-v2-small, ` +
        "lab-v2-large, lab-v2-medium (see GET /v1/models)",
    );
  });

  it.each(["cascade@4", "cascade-mass@2x8"])("asks %s, a chain, for two or more served models", (spec) => {
    expect(refused({ spec, param: "model" }).message).toContain(
      `name two or more served models in the model field after the spec, smallest first, separated by ">" (${spec}:small>large)`,
    );
  });

  it("parses a routing spec whose route the model field names", () => {
    const strategy = requestStrategy(
      { spec: "cascade@4", param: "model" },
      "lab-v2-small>lab-v2-large",
      small,
      routed,
    );
    expect(strategy.parameters.models).toEqual(["lab-v2-small", "lab-v2-large"]);
  });

  it("says a replay option is mull replay's, not a route", () => {
    expect(refused({ spec: "deepconf@8:e10", param: "mull.strategy" }).message).toBe(
      '":e10" in "deepconf@8:e10" is an option of mull replay (over recorded samples), not of a live strategy; ' +
        '"deepconf@8" takes no options after ":"',
    );
  });
});
