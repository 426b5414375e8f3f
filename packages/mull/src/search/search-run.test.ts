import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import type { ProcessRewardModel } from "../spec/index.ts";
import { testStrategyContext } from "../testing/test-strategy-context.ts";
import { createSearchRun } from "./search-run.ts";

const prm: ProcessRewardModel = {
  name: "flat",
  score: async () => ({ results: [], calls: 0 }),
};
const defaults = { aggregation: "last", select: "best" } as const;

function refusal(...given: unknown[]): ConfigError {
  try {
    (createSearchRun as (...given: unknown[]) => unknown)(...given);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error as ConfigError;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("createSearchRun", () => {
  it("starts a run at an empty root node", () => {
    const run = createSearchRun({ question: "q" }, testStrategyContext(), { prm }, defaults);
    expect(run.root).toMatchObject({ steps: [], final: false, tokens: 0 });
    expect(run.finished).toEqual([]);
  });

  it("names each missing argument and what it must be, instead of failing on the first it reads", () => {
    const none = refusal();
    expect(none.message).toBe(
      "createSearchRun is invalid:\n" +
        "  problem: missing; expected a problem (an object with a question string)\n" +
        "  context: missing; expected a strategy context (an object with backend, budget, rng, clock, tracer, …)\n" +
        "  options: missing; expected search options { prm, … }\n" +
        "  defaults: missing; expected the search's defaults { aggregation, select }",
    );
    expect(none.field).toBe("problem");
    const withoutPrm = refusal({ question: "q" }, testStrategyContext(), {}, defaults);
    expect(withoutPrm.message).toBe(
      "createSearchRun: options.prm: missing; expected a process reward model (an object with a score method)",
    );
    expect(withoutPrm.field).toBe("options.prm");
  });
});
