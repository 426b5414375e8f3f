import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { solve } from "../solve.ts";
import type { AnswerFormat, Backend, Candidate, StopReason, Strategy, TraceEvent } from "../spec/index.ts";
import { parseStrategySpec } from "../strategies/parse-strategy-spec.ts";
import { selfConsistency } from "../strategies/self-consistency.ts";
import { createScriptedBackend, type ScriptedBackend } from "../testing/scripted-backend.ts";
import { usageByModel } from "../trace/index.ts";
import { type CascadeSettle, cascade } from "./cascade.ts";

const hashFormat: AnswerFormat = {
  name: "hash",
  extract: (text) => /####\s*(.+?)\s*$/.exec(text)?.[1],
  key: (answer) => answer,
  equivalent: (a, b) => a === b,
};

/** A small model whose four samples answer 7, 7, 8, 7 (agreement 0.75), and a large one that answers 9. */
function models(): { small: ScriptedBackend; large: ScriptedBackend } {
  const small = createScriptedBackend({
    responses: ["so #### 7", "so #### 7", "so #### 8", "so #### 7"],
    model: "small",
  });
  const large = createScriptedBackend({ responses: ["then #### 9"], model: "large" });
  return { small, large };
}

/** The two scripted models, named as the cascade's route names them. */
function named(backends: { small: Backend; large: Backend }) {
  return [
    { name: "small", backend: backends.small },
    { name: "large", backend: backends.large },
  ];
}

function notes(trace: readonly TraceEvent[]): string[] {
  return trace.flatMap((event) => (event.type === "note" ? [event.message] : []));
}

/** A strategy that answers `answers` without calling its backend, stopped by `stoppedBy`; counts its runs. */
function fixed(name: string, answers: readonly string[], stoppedBy: StopReason): Strategy & { runs: number } {
  const strategy = {
    name,
    parameters: {},
    samples: answers.length,
    runs: 0,
    async run() {
      strategy.runs += 1;
      const candidates: Candidate[] = answers.map((answer, index) => ({
        id: `${name}-${index}`,
        text: `#### ${answer}`,
        answer,
        finishReason: "stop",
        completionTokens: 2,
        scores: [],
      }));
      return { answer: answers[0], best: candidates[0], candidates, stoppedBy };
    },
  };
  return strategy;
}

async function run(threshold: number, backends = models(), seed?: number) {
  const strategy = cascade({
    models: named(backends),
    small: 4,
    large: 2,
    threshold,
  });
  const result = await solve({
    problem: "q",
    strategy,
    backend: backends.small,
    answerFormat: hashFormat,
    seed,
  });
  return { result, ...backends };
}

describe("cascade", () => {
  it("keeps the small model's answer when its agreement reaches the threshold", async () => {
    const { result, large } = await run(0.75);
    expect(result.answer).toBe("7");
    expect(large.calls).toHaveLength(0);
    expect(notes(result.trace)).toEqual(["cascade: small agreement 0.75 (3/4) ≥ 0.75: answering with small"]);
    expect(Object.keys(usageByModel(result.trace))).toEqual(["small"]);
    expect(result.strategy).toBe("cascade@4x2");
  });

  it("escalates below the threshold: the large model answers, every candidate kept, usage by model", async () => {
    const { result, large } = await run(0.8);
    expect(result.answer).toBe("9");
    expect(result.votes).toEqual({ "9": 2 });
    expect(large.calls.length).toBeGreaterThan(0);
    expect(result.candidates.map((candidate) => candidate.answer)).toEqual(["7", "7", "8", "7", "9", "9"]);
    expect(notes(result.trace)).toEqual(["cascade: small agreement 0.75 (3/4) < 0.8: escalating to large"]);
    const byModel = usageByModel(result.trace);
    expect(byModel.small?.completionTokens).toBe(12);
    expect(byModel.large?.completionTokens).toBe(6);
    expect(result.usage.completionTokens).toBe(18);
    expect(result.strategy).toBe("cascade@4x2t0.8");
  });

  it("keeps the small model's answer when the budget cannot pay for the large model", async () => {
    const backends = models();
    const strategy = cascade({
      models: named(backends),
      small: 4,
      threshold: 1,
    });
    const result = await solve({
      problem: "q",
      strategy,
      backend: backends.small,
      answerFormat: hashFormat,
      budget: { maxCalls: 1 },
    });
    expect(result.answer).toBe("7");
    expect(backends.large.calls).toHaveLength(0);
    expect(result.partial).toBe(true);
    expect(result.stoppedBy).toBe("calls");
  });

  it("ends at a stage its budget cut: that stage's answer stands, split or not, and no later model runs", async () => {
    const backends = models();
    // The first stage is split (agreement 0.5) but was cut by its token limit: a partial stage.
    const first = fixed("first", ["7", "8"], "tokens");
    const second = fixed("second", ["9"], "complete");
    const result = await solve({
      problem: "q",
      strategy: cascade({ models: named(backends), small: 2, strategies: [first, second] }),
      backend: backends.small,
      answerFormat: hashFormat,
    });
    expect(second.runs).toBe(0);
    expect(result).toMatchObject({ answer: "7", stoppedBy: "tokens", partial: true });
    expect(notes(result.trace).some((message) => message.includes("escalating"))).toBe(false);
  });

  it("escalates under maxScoreCalls: 0, a limit on scorer calls that its models never make", async () => {
    const backends = models();
    const result = await solve({
      problem: "q",
      strategy: cascade({ models: named(backends), small: 4, large: 2, threshold: 0.8 }),
      backend: backends.small,
      answerFormat: hashFormat,
      budget: { maxScoreCalls: 0 },
    });
    expect(result).toMatchObject({ answer: "9", stoppedBy: "complete", partial: false });
    expect(backends.large.calls.length).toBeGreaterThan(0);
    expect(result.candidates).toHaveLength(6);
  });

  it("escalates along a chain of three until one agrees", async () => {
    const split = createScriptedBackend({ responses: ["#### 1", "#### 2"], model: "tiny" });
    const agreed = createScriptedBackend({ responses: ["#### 5"], model: "middle" });
    const unused = createScriptedBackend({ responses: ["#### 6"], model: "big" });
    const strategy = cascade({
      models: [
        { name: "tiny", backend: split },
        { name: "middle", backend: agreed },
        { name: "big", backend: unused },
      ],
      small: 2,
    });
    const result = await solve({ problem: "q", strategy, backend: split, answerFormat: hashFormat });
    expect(result.answer).toBe("5");
    expect(unused.calls).toHaveLength(0);
    expect(notes(result.trace)).toEqual([
      "cascade: tiny agreement 0.50 (1/2) < 0.75: escalating to middle",
      "cascade: middle agreement 1.00 (2/2) ≥ 0.75: answering with middle",
    ]);
  });

  it("is the same run under the same seed on sampled backends", async () => {
    const sampled = () => ({
      small: createScriptedBackend({ answers: { distribution: { "1": 0.5, "2": 0.5 } }, model: "small" }),
      large: createScriptedBackend({ answers: { distribution: { "1": 0.2, "2": 0.8 } }, model: "large" }),
    });
    const texts = async (seed: number) => {
      const { result } = await run(0.9, sampled(), seed);
      return result.candidates.map((candidate) => candidate.text);
    };
    const first = await texts(3);
    expect(first).toHaveLength(6);
    expect(await texts(3)).toEqual(first);
    // The samples come from the seed: another one draws other answers.
    expect(await texts(4)).not.toEqual(first);
  });

  it("with settle: stopped, escalates a stage that drew every sample, whatever its agreement", async () => {
    const backends = models();
    const strategy = cascade({
      models: named(backends),
      small: 2,
      settle: "stopped",
      strategies: [selfConsistency({ n: 2 }), selfConsistency({ n: 2 })],
    });
    expect(strategy.name).toBe("cascade-settled(sc@2>sc@2)");
    expect(strategy.parameters.settle).toBe("stopped");
    const result = await solve({ problem: "q", strategy, backend: backends.small, answerFormat: hashFormat });
    // The two small samples agree (7, 7), but sc@2 never stops on a condition of its own.
    expect(result.answer).toBe("9");
    expect(notes(result.trace)).toEqual([
      "cascade: small stopped without settling (complete): escalating to large",
    ]);
  });

  it("refuses fewer than two models, a threshold above 1 and an unknown settle", () => {
    const backend: Backend = createScriptedBackend({ responses: ["#### 1"] });
    expect(() => cascade({ models: [{ name: "only", backend }], small: 4 })).toThrow(ConfigError);
    const other: Backend = createScriptedBackend({ responses: ["#### 1"] });
    const pair = named({ small: backend, large: other });
    expect(() => cascade({ models: pair, small: 4, threshold: 1.5 })).toThrow(
      /cascade: threshold must be a number from 0 to 1, got 1.5/,
    );
    expect(() => cascade({ models: pair, small: 4, settle: "vote" as CascadeSettle })).toThrow(
      /cascade.*settle.*vote/,
    );
  });
});

describe("cascade specs", () => {
  const backends = new Map<string, Backend>();
  const resolveModel = (name: string): Backend => {
    const backend = backends.get(name) ?? createScriptedBackend({ responses: ["#### 1"], model: name });
    backends.set(name, backend);
    return backend;
  };

  it.each([
    ["cascade@8:lab-small>lab-large", "cascade@8", ["sc@8", "sc@8"], 0.75],
    ["cascade@4x16:lab-small>lab-large", "cascade@4x16", ["sc@4", "sc@16"], 0.75],
    ["cascade@8t0.5:lab-small>lab-large", "cascade@8t0.5", ["sc@8", "sc@8"], 0.5],
    ["CASCADE@4x8t0.6:a>b>c", "cascade@4x8t0.6", ["sc@4", "sc@8", "sc@8"], 0.6],
  ])("reads %j", (spec, name, strategies, threshold) => {
    const strategy = parseStrategySpec(spec, { resolveModel });
    expect(strategy.name).toBe(name);
    expect(strategy.parameters.strategies).toEqual(strategies);
    expect(strategy.parameters.threshold).toBe(threshold);
    expect(strategy.parameters.models).toEqual(spec.split(":")[1]?.split(">"));
  });

  it("declares the worst case of every model on its route, each running its whole strategy in turn", () => {
    const request = { promptTokens: 10, maxTokens: 40 };
    expect(parseStrategySpec("cascade@4x8t0.6:a>b>c", { resolveModel }).worstCaseTokens?.(request)).toBe(
      (4 + 8 + 8) * (10 + 40),
    );
    // A model that forces its traces re-reads them: the cascade counts what that model declares.
    const forced = cascade({
      models: named({ small: resolveModel("a"), large: resolveModel("b") }),
      small: 2,
      strategies: [selfConsistency({ n: 2 }), parseStrategySpec("extend@100w2")],
    });
    const extended = parseStrategySpec("extend@100w2").worstCaseTokens?.(request) ?? 0;
    expect(extended).toBeGreaterThan(10 + 40);
    expect(forced.worstCaseTokens?.(request)).toBe(2 * (10 + 40) + extended);
  });

  it("takes the default route, and refuses a threshold above 1 before resolving a model", () => {
    const strategy = parseStrategySpec("cascade@8", { resolveModel, defaultRoute: ["s", "l"] });
    expect(strategy.parameters.models).toEqual(["s", "l"]);
    const resolved: string[] = [];
    const resolving = (name: string) => {
      resolved.push(name);
      return resolveModel(name);
    };
    expect(() => parseStrategySpec("cascade@8t2:s>l", { resolveModel: resolving })).toThrow(
      'strategy: "cascade@8t2:s>l" gives T = 2 in cascade@NtT; expected a number above 0 and at most 1',
    );
    expect(resolved).toEqual([]);
  });
});
