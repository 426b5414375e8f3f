import { describe, expect, it } from "vitest";
import { answerFormatByName } from "../../answers/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import type { BenchDataset, BenchProblem } from "../datasets/index.ts";
import { graderByName } from "../graders/index.ts";
import { configHash } from "../store/index.ts";
import { benchConfig } from "./bench-config.ts";
import type { RunBenchOptions } from "./run-bench-options.ts";
import { expandStrategySweep } from "./strategy-sweep.ts";

const problems = [{ id: "1", question: "q", gold: "1" }];
const dataset: BenchDataset = { name: "gsm8k", source: "/data/gsm8k.jsonl", problems, grader: "numeric" };
const render = () => ({ kind: "text" as const, text: "q" });

function promptTemplateOf(options: Partial<RunBenchOptions>, used: BenchDataset = dataset): unknown {
  const full = {
    dataset: used,
    strategies: ["sc@4"],
    backend: createScriptedBackend({ responses: ["#### 1"] }),
    out: "/tmp/unused",
    ...options,
  } as RunBenchOptions;
  return benchConfig({
    options: full,
    problems,
    strategies: [],
    grader: graderByName("numeric"),
    answerFormat: answerFormatByName("numeric"),
    scorer: undefined,
  }).promptTemplate;
}

describe("benchConfig's prompt template", () => {
  it("records the template a dataset names, so runs with another prompt never resume each other", () => {
    expect(promptTemplateOf({}, { ...dataset, promptTemplate: render, promptTemplateName: "gsm8k" })).toBe(
      "gsm8k",
    );
    expect(promptTemplateOf({}, { ...dataset, promptTemplate: render })).toBe("custom");
    expect(promptTemplateOf({})).toBe("default");
  });

  it("lets the run's own template win over the dataset's", () => {
    const named = { ...dataset, promptTemplate: render, promptTemplateName: "gsm8k" };
    expect(promptTemplateOf({ promptTemplate: render }, named)).toBe("custom");
    expect(promptTemplateOf({ promptTemplate: render, promptTemplateName: "qwen-math" }, named)).toBe(
      "qwen-math",
    );
  });
});

describe("benchConfig's dataset hash", () => {
  const contentHashOf = (list: readonly BenchProblem[]) =>
    benchConfig({
      options: { dataset: { ...dataset, problems: list }, strategies: ["sc@4"], backend, out: "/tmp/unused" },
      problems: list,
      strategies: [],
      grader: graderByName("numeric"),
      answerFormat: answerFormatByName("numeric"),
      scorer: undefined,
    }).dataset.contentHash;
  const backend = createScriptedBackend({ responses: ["#### 1"] });

  it("changes when a problem's question, gold answer or prompt changes, so such a run never resumes", () => {
    const base = contentHashOf([{ id: "1", question: "q", gold: "1" }]);
    expect(contentHashOf([{ id: "1", question: "q", gold: "1" }])).toBe(base);
    expect(contentHashOf([{ id: "1", question: "q", gold: "2" }])).not.toBe(base);
    expect(contentHashOf([{ id: "1", question: "q2", gold: "1" }])).not.toBe(base);
    expect(contentHashOf([{ id: "2", question: "q", gold: "1" }])).not.toBe(base);
    expect(
      contentHashOf([{ id: "1", question: "q", gold: "1", prompt: { kind: "text", text: "Q: q" } }]),
    ).not.toBe(base);
  });
});

describe("benchConfig's model hash", () => {
  /** The configuration's backend for a backend that describes itself as `described`. */
  function backendOf(described: { kind: string; model: string; baseUrl?: string; modelHash?: string }) {
    const scripted = createScriptedBackend({ responses: ["#### 1"] });
    return benchConfig({
      options: {
        dataset,
        strategies: ["greedy"],
        backend: { ...scripted, describe: () => described },
        out: "/tmp/unused",
      } as RunBenchOptions,
      problems,
      strategies: [],
      grader: graderByName("numeric"),
      answerFormat: answerFormatByName("numeric"),
      scorer: undefined,
    }).backend;
  }

  it("pins an embedded model's file, and not the file a server reports, which may be hashed late", () => {
    expect(backendOf({ kind: "llama-cpp", model: "m", modelHash: "sha256:abc" }).modelHash).toBe(
      "sha256:abc",
    );
    const served = { kind: "openai-compatible", model: "m", baseUrl: "http://127.0.0.1:1/v1" };
    expect(backendOf({ ...served, modelHash: "sha256:abc" })).toEqual(backendOf(served));
  });
});

describe("benchConfig's routes and thinking cues", () => {
  const scripted = createScriptedBackend({ responses: ["#### 1"] });

  /** The configuration of a run of `specs`, whose routed models describe `modelHash`. */
  function configOf(specs: readonly string[], modelHash?: string) {
    const resolveModel = (name: string) => ({
      ...scripted,
      describe: () => ({ kind: "llama-cpp", model: name, modelHash }),
    });
    const strategies = expandStrategySweep(specs, { resolveModel, defaultRoute: ["small", "large"] });
    return benchConfig({
      options: { dataset, strategies: [...specs], backend: scripted, out: "/tmp/unused", resolveModel },
      problems,
      strategies,
      grader: graderByName("numeric"),
      answerFormat: answerFormatByName("numeric"),
      scorer: undefined,
    });
  }

  it("pins each routed embedded model's file, so a run with another model file never resumes", () => {
    const first = configOf(["cascade@2:small>large"], "sha256:a");
    expect(first.routes?.models.small?.modelHash).toBe("sha256:a");
    expect(configHash(first)).not.toBe(configHash(configOf(["cascade@2:small>large"], "sha256:b")));
  });

  it("records no thinking cues when no strategy prefixes, so earlier runs keep their hash", () => {
    expect(configOf(["greedy", "sc@4"]).thinkingCues).toBeUndefined();
  });
});
