import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { labProcessReward } from "../lab/index.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { processRewardFromOption } from "./process-reward-option.ts";

const backend = createScriptedBackend({ responses: ["YES"] });

describe("processRewardFromOption", () => {
  it("takes the problems' step checker when --prm is absent, and builds exact and noisy on it", () => {
    const checker = { ...labProcessReward(), name: "checker" };
    const context = { processReward: checker, backend, seed: 4 };
    expect(processRewardFromOption(undefined, context)).toBe(checker);
    expect(processRewardFromOption("exact", context)).toBe(checker);
    expect(processRewardFromOption("noisy:0.1,0.2", context)?.name).toBe("noisy(checker,fp=0.1,fn=0.2)");
    expect(processRewardFromOption("judge", context)?.name).toBe("step-judge:scripted");
  });

  it("offers none for problems without a step checker, and refuses exact and noisy for them", () => {
    const context = { processReward: undefined, backend, seed: 0 };
    expect(processRewardFromOption(undefined, context)).toBeUndefined();
    for (const flag of ["exact", "noisy:0.1,0.1", "calibrated-noisy:0.1,0.1"]) {
      const refusal = (() => {
        try {
          processRewardFromOption(flag, context);
        } catch (error) {
          return error;
        }
      })();
      expect(ConfigError.isInstance(refusal)).toBe(true);
      expect((refusal as ConfigError).field).toBe("--prm");
      expect((refusal as ConfigError).message).toBe(
        `--prm ${flag} checks the steps of lab arithmetic problems only; use --prm self, judge or a PRM URL`,
      );
    }
    expect(processRewardFromOption("self", context)?.name).toBe("self-logprob:scripted");
    expect(processRewardFromOption("http://127.0.0.1:8000/v1", { ...context, model: "prm" })?.name).toBe(
      "prm:prm",
    );
  });

  it("names --prm-api-key-env and the variable when an HTTP PRM's key is unset", () => {
    const variable = "MULL_TEST_UNSET_PRM_KEY";
    delete process.env[variable];
    const context = { processReward: undefined, backend, seed: 0, apiKeyEnv: variable };
    let refusal: unknown;
    try {
      processRewardFromOption("http://127.0.0.1:8000/v1", context);
    } catch (error) {
      refusal = error;
    }
    expect(ConfigError.isInstance(refusal)).toBe(true);
    expect((refusal as ConfigError).field).toBe("--prm-api-key-env");
    expect((refusal as ConfigError).message).toBe(
      `--prm-api-key-env names ${variable}, which is not set in the environment`,
    );
  });
});
