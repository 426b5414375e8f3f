import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { manualClock } from "../../runtime/index.ts";
import type { Backend, Strategy } from "../../spec/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import type { ResultRecord } from "../store/index.ts";
import { planBench } from "./bench-plan.ts";
import { recordingStore } from "./recording-store.test-support.ts";
import type { RunBenchOptions } from "./run-bench-options.ts";
import { pairContext, runPair } from "./run-pair.ts";
import { isPairStrategy } from "./strategy-sweep.ts";
import { hashGrader, promptText, sumsDataset } from "./sums-bench.test-support.ts";

/** A model that answers every sums question with the same sum, `offset` too many: its samples agree. */
function model(name: string, offset: number): Backend {
  return createScriptedBackend({
    model: name,
    respond: (request) => {
      const [, a, b] = /What is (\d+)\+(\d+)\?/.exec(promptText(request))!;
      return `adding up\n#### ${Number(a) + Number(b) + offset}`;
    },
  });
}

const models: Readonly<Record<string, Backend>> = {
  small: model("small-model", 1),
  large: model("large-model", 0),
};

function resolveModel(name: string): Backend {
  const backend = models[name];
  if (backend === undefined) throw new ConfigError(`no model ${name}`, { field: "strategy" });
  return backend;
}

function routedOptions(): RunBenchOptions {
  return {
    dataset: sumsDataset(2),
    strategies: ["cascade@4"],
    backend: models.large!,
    out: join("unused", "run"),
    grader: hashGrader,
    seed: 3,
    clock: manualClock(),
    resolveModel,
    route: ["small", "large"],
  };
}

/** Solves `sum-1` with the plan's cascade, or with what `replace` makes of its strategy; the record. */
async function recordedPair(replace: (strategy: Strategy) => Strategy): Promise<ResultRecord | undefined> {
  const options = routedOptions();
  const plan = planBench(options);
  const { store, recorded } = recordingStore();
  const context = pairContext(options, plan, store, new AbortController().signal);
  const [cascade] = plan.strategies.filter(isPairStrategy);
  expect(cascade?.route).toEqual(["small", "large"]);
  const outcome = await runPair(
    plan.problems[1]!,
    { ...cascade!, strategy: replace(cascade!.strategy) },
    context,
  );
  expect(outcome.kind).toBe("recorded");
  return recorded[0];
}

/** Expects `record` to hold the small model's tokens alone, equal to the pair's own. */
function expectSmallModelAlone(record: ResultRecord | undefined): void {
  // The four small samples agree on 5: the cascade never asks the large model.
  expect(record).toMatchObject({ problemId: "sum-1", answer: "5", correct: false, calls: 1 });
  expect(record?.usageByModel?.["small-model"]).toEqual({
    promptTokens: record?.promptTokens,
    completionTokens: record?.completionTokens,
    calls: record?.calls,
  });
  expect(record?.usageByModel?.["small-model"]?.completionTokens).toBeGreaterThan(0);
  expect(record?.usageByModel?.["large-model"]).toBeUndefined();
}

describe("runPair with a routing strategy", () => {
  it("records the tokens of the one model that answered a cascade", async () => {
    expectSmallModelAlone(await recordedPair((strategy) => strategy));
  });

  it("records them from the trace where the strategy's run names no route, so solve reports none by model", async () => {
    // A strategy object that keeps its models to itself: its run-start parameters name none.
    const unnamed = (strategy: Strategy): Strategy => ({
      name: strategy.name,
      parameters: {},
      samples: strategy.samples,
      run: (problem, context) => strategy.run(problem, context),
    });
    expectSmallModelAlone(await recordedPair(unnamed));
  });
});
