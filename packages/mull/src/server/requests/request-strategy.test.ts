import { describe, expect, it } from "vitest";
import { defaultModelProfile } from "../../generation/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import { ApiError } from "../http/index.ts";
import type { ServedModel } from "../upstreams/index.ts";
import { type NamedStrategy, requestStrategy, strategySpec } from "./request-strategy.ts";

const served: ServedModel = {
  name: "m",
  upstream: "up",
  backend: createScriptedBackend({ answers: { distribution: { "4": 1 } } }),
  kind: "other",
  profile: defaultModelProfile,
  contextWindow: undefined,
  scorer: undefined,
  prm: undefined,
};
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
