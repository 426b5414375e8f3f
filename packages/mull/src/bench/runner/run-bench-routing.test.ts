import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { manualClock } from "../../runtime/index.ts";
import type { Backend, GenerationRequest } from "../../spec/index.ts";
import { createScriptedBackend } from "../../testing/scripted-backend.ts";
import type { BenchDataset } from "../datasets/index.ts";
import { configHash, loadRun } from "../store/index.ts";
import { benchConfig } from "./bench-config.ts";
import { runBench } from "./run-bench.ts";
import type { RunBenchOptions } from "./run-bench-options.ts";
import { expandStrategySweep } from "./strategy-sweep.ts";

// A routing entry the real catalog does not hold (one greedy sample on each model of the route).
vi.mock("../../strategies/catalog.ts", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../strategies/catalog.ts")>();
  const { eachModelGreedyEntry } = await import("../../strategies/each-model.test-support.ts");
  return { ...original, strategyCatalog: [...original.strategyCatalog, eachModelGreedyEntry] };
});

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "mull-routing-bench-"));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

const dataset: BenchDataset = {
  name: "sums",
  source: "memory",
  grader: "numeric",
  problems: Array.from({ length: 3 }, (_, index) => ({
    id: `sum-${index}`,
    question: `What is ${index}+${index}?`,
    gold: String(index * 2),
  })),
};

function promptText(request: GenerationRequest): string {
  const prompt = request.prompt;
  return prompt.kind === "text" ? prompt.text : prompt.messages.map((message) => message.content).join("\n");
}

/** A model that adds right (`careful`, 6 words) or one too many (`hasty`, 3 words). */
function model(name: string, careful: boolean): Backend {
  return createScriptedBackend({
    model: name,
    respond: (request) => {
      const [, a, b] = /What is (\d+)\+(\d+)\?/.exec(promptText(request))!;
      const sum = Number(a) + Number(b);
      return careful ? `adding them up gives\n#### ${sum}` : `#### ${sum + 1}`;
    },
  });
}

const models: Readonly<Record<string, Backend>> = {
  small: model("small-model", false),
  other: model("other-model", false),
  large: model("large-model", true),
};

function resolveModel(name: string): Backend {
  const backend = models[name];
  if (backend === undefined) throw new ConfigError(`no model ${name}`, { field: "strategy" });
  return backend;
}

function options(overrides: Partial<RunBenchOptions> = {}): RunBenchOptions {
  return {
    dataset,
    strategies: ["greedy", "each-greedy"],
    backend: models.large!,
    out: join(directory, "run"),
    seed: 1,
    clock: manualClock(),
    resolveModel,
    route: ["small", "large"],
    ...overrides,
  };
}

describe("runBench with a routing strategy", () => {
  it("records and summarises the tokens of each model", async () => {
    const run = await runBench(options());
    const routed = run.summary.strategies.find((strategy) => strategy.strategy === "each-greedy")!;
    expect(routed.accuracy).toBe(1);
    // Completion tokens, one per word: 2 for the small model, 6 for the large one, on each of 3 problems.
    expect(routed.tokensByModel?.["small-model"]).toMatchObject({ completion: 6, calls: 3 });
    expect(routed.tokensByModel?.["large-model"]).toMatchObject({ completion: 18, calls: 3 });
    expect(routed.tokens.completion).toBe(24);
    const greedy = run.summary.strategies.find((strategy) => strategy.strategy === "greedy")!;
    expect(greedy.tokensByModel).toBeUndefined();
    const loaded = await loadRun(run.directory);
    // The routes and routed models come back from the stored configuration, for the report's manifest.
    expect(loaded.routes).toEqual({
      byStrategy: { "each-greedy": "small>large" },
      models: { small: { model: "small-model" }, large: { model: "large-model" } },
    });
    const stored = loaded.results.filter((result) => result.strategy === "each-greedy");
    expect(stored.map((result) => Object.keys(result.usageByModel ?? {}))).toEqual([
      ["large-model", "small-model"],
      ["large-model", "small-model"],
      ["large-model", "small-model"],
    ]);
  });

  it("counts a model's tokens on the problems it answered alone, as a cascade's small model does", async () => {
    // One small sample agrees with itself: the cascade never escalates, so only the small model generates.
    const run = await runBench(options({ strategies: ["cascade@1"] }));
    const [cascade] = run.summary.strategies;
    expect(cascade?.accuracy).toBe(0);
    expect(cascade?.tokensByModel?.["small-model"]).toMatchObject({ completion: 6, calls: 3 });
    expect(cascade?.tokensByModel?.["small-model"]?.total).toBe(cascade?.tokens.total);
    expect(cascade?.tokensByModel?.["large-model"]).toBeUndefined();
  });

  it("puts routes in the configuration, so a run over another small model is not resumed", async () => {
    await runBench(options());
    await expect(runBench(options({ resume: true, route: ["other", "large"] }))).rejects.toThrow(
      'routes.byStrategy.each-greedy: "small>large" → "other>large"',
    );
    // A route in the spec is part of the strategy's name as well.
    const named = await runBench(
      options({ out: join(directory, "named"), strategies: ["each-greedy:other>large"], route: undefined }),
    );
    expect(named.summary.strategies.map((strategy) => strategy.strategy)).toEqual([
      "each-greedy:other>large",
    ]);
  });

  it("hashes a configuration without routing strategies as before, whatever the route", () => {
    const configOf = (strategies: string[], route: string[] | undefined) => {
      const sources = options({ strategies, route });
      const swept = expandStrategySweep(strategies, { resolveModel, defaultRoute: route });
      const grader = { name: "numeric", format: { name: "numeric" } } as never;
      return benchConfig({
        options: sources,
        problems: dataset.problems,
        strategies: swept,
        grader,
        answerFormat: { name: "numeric" } as never,
        scorer: undefined,
      });
    };
    const plain = configOf(["greedy"], ["small", "large"]);
    expect(plain.routes).toBeUndefined();
    expect(configHash(plain)).toBe(configHash(configOf(["greedy"], ["other", "large"])));
    const routed = configOf(["each-greedy"], ["small", "large"]);
    expect(routed.routes).toEqual({
      byStrategy: { "each-greedy": "small>large" },
      models: {
        small: { model: "small-model" },
        large: { model: "large-model" },
      },
    });
    expect(configHash(routed)).not.toBe(configHash(configOf(["each-greedy"], ["other", "large"])));
  });

  it("reads specs case-insensitively but keeps the case of a route's model names", () => {
    const byName = (name: string) => (name === "Small" ? models.small! : models.large!);
    const [entry] = expandStrategySweep(["EACH-Greedy:Small>Large"], { resolveModel: byName });
    expect(entry?.name).toBe("each-greedy:Small>Large");
    expect(entry?.route).toEqual(["Small", "Large"]);
  });
});
