import { describe, expect, it } from "vitest";
import { ConfigError } from "./errors/index.ts";
import { labOutcomeChecker, labProfile } from "./lab/index.ts";
import { loadPromptTemplate } from "./prompts/index.ts";
import { manualClock } from "./runtime/index.ts";
import { type SolveOptions, solve } from "./solve.ts";
import type { OutcomeScorer, ProcessRewardModel, Strategy } from "./spec/index.ts";
import { strategyCatalog } from "./strategies/catalog.ts";
import { twoAgreeEntry } from "./strategies/custom-entry.test-support.ts";
import { createScriptedBackend } from "./testing/scripted-backend.ts";
import { traceToTree } from "./trace/index.ts";

describe("solve", () => {
  it("runs a strategy named by a string and returns its result with a full trace", async () => {
    const backend = createScriptedBackend({ responses: ["4+4=8\n#### 8", "4+4=9\n#### 9", "4+4=8\n#### 8"] });
    const result = await solve({ problem: "What is 4+4?", strategy: "sc@3", backend, seed: 12 });
    expect(result).toMatchObject({ strategy: "sc@3", answer: "8", stoppedBy: "complete", partial: false });
    expect(result.usage.calls).toBe(1);
    const [run, ...rest] = result.trace;
    expect(run).toMatchObject({
      type: "run-start",
      parentId: undefined,
      strategy: "sc@3",
      parameters: { n: 3 },
      question: "What is 4+4?",
      seed: 12,
    });
    expect(rest.map((event) => event.type)).toEqual([
      "generation",
      "generation",
      "generation",
      "vote",
      "run-end",
    ]);
    expect(rest.every((event) => event.parentId === run!.id)).toBe(true);
    expect(result.trace.at(-1)).toMatchObject({
      type: "run-end",
      answer: "8",
      stoppedBy: "complete",
      usage: result.usage,
    });
    const [root] = traceToTree(result.trace);
    expect(root!.children).toHaveLength(5);
  });

  it("uses the default chat prompt asking for `#### <answer>`, unless the problem brings its own", async () => {
    const backend = createScriptedBackend({ responses: ["#### 1"] });
    await solve({ problem: "Count to one.", strategy: "greedy", backend });
    const prompt = backend.calls[0]!.request.prompt;
    expect(prompt.kind).toBe("chat");
    const content = prompt.kind === "chat" ? prompt.messages.at(-1)!.content : "";
    expect(content).toContain("Count to one.");
    expect(content).toContain("#### <answer>");
    const own = { kind: "text", text: "Q: 1? A:" } as const;
    await solve({ problem: { question: "1?", prompt: own }, strategy: "greedy", backend });
    expect(backend.calls[1]!.request.prompt).toEqual(own);
    await solve({
      problem: "2?",
      strategy: "greedy",
      backend,
      promptTemplate: (problem) => ({ kind: "text", text: `Q: ${problem.question}` }),
    });
    expect(backend.calls[2]!.request.prompt).toEqual({ kind: "text", text: "Q: 2?" });
  });

  it("seeds the run: seed 0 by default, the same seed gives the same run", async () => {
    const make = () => createScriptedBackend({ answers: { distribution: { "1": 0.5, "2": 0.5 } } });
    const byDefault = await solve({ problem: "q", strategy: "sc@6", backend: make() });
    expect(byDefault.trace[0]).toMatchObject({ seed: 0 });
    const zero = await solve({ problem: "q", strategy: "sc@6", backend: make(), seed: 0 });
    expect(zero.candidates.map((c) => c.text)).toEqual(byDefault.candidates.map((c) => c.text));
  });

  it("passes sampling settings, the answer format by name and the clock to the strategy", async () => {
    const clock = manualClock(1000);
    let seen: unknown;
    const probe: Strategy = {
      name: "probe",
      parameters: {},
      samples: 1,
      async run(_problem, context) {
        clock.advance(25);
        seen = {
          sampling: context.sampling,
          format: context.answerFormat.name,
          now: context.clock.now(),
          signal: context.signal === context.budget.signal,
        };
        return {
          answer: undefined,
          best: undefined,
          candidates: [],
          stoppedBy: "complete",
        };
      },
    };
    const result = await solve({
      problem: "q",
      strategy: probe,
      backend: createScriptedBackend({ responses: ["x"] }),
      sampling: { temperature: 0.3, maxTokens: 64 },
      answerFormat: "numeric",
      clock,
    });
    expect(seen).toEqual({
      sampling: { temperature: 0.3, maxTokens: 64 },
      format: "numeric",
      now: 1025,
      signal: true,
    });
    expect(result.trace.at(-1)!.time).toBe(25);
  });

  it("applies a model profile as the CLI does: its template, cues, checker and sampling under the caller's", async () => {
    const backend = createScriptedBackend({ responses: ["412+307=719\n719-95=624\n#### 624", "#### 623"] });
    const result = await solve({
      problem: "412+307-95=?",
      strategy: "bon@2",
      backend,
      profile: labProfile({ recommendedTemperature: 1.25 }),
      sampling: { maxTokens: 64, temperature: undefined },
    });
    // The lab's checker is the profile's outcome scorer: no scorer given, and it picks the right sample.
    expect(result.answer).toBe("624");
    const request = backend.calls[0]!.request;
    expect(request.prompt).toEqual({ kind: "text", text: "Q: 412+307-95=? A:" });
    expect(request).toMatchObject({ temperature: 1.25, topK: 0, topP: 1, minP: 0, maxTokens: 64 });
    let cues: unknown;
    const probe: Strategy = {
      name: "probe",
      parameters: {},
      samples: 1,
      async run(_problem, context) {
        cues = context.thinkingCues;
        return { answer: undefined, best: undefined, candidates: [], stoppedBy: "complete" };
      },
    };
    await solve({ problem: "1+2=?", strategy: probe, backend, profile: labProfile() });
    expect(cues).toEqual({ answerCue: "\n#### ", continueCue: "\n" });
    await expect(
      solve({ problem: "1+2=?", strategy: "greedy", backend, profile: labProfile as never }),
    ).rejects.toThrow(
      "solve: profile must be a model profile (an object with samplingDefaults and thinkingCues), got",
    );
  });

  it("groups free-text answers by the text format named in answerFormat", async () => {
    const responses = ["#### xy", 'Last letters: b, d. So the answer is "Ab Cd."', "#### ab  cd"];
    const run = (answerFormat: string) =>
      solve({ problem: "q", strategy: "sc@3", backend: createScriptedBackend({ responses }), answerFormat });
    const text = await run("text");
    expect(text.candidates.map((candidate) => candidate.answer)).toEqual(["xy", '"Ab Cd."', "ab  cd"]);
    expect(text.answer).toBe('"Ab Cd."');
    expect(text.trace.find((event) => event.type === "vote")).toMatchObject({
      tally: { xy: 1, "ab cd": 2 },
      winner: "ab cd",
    });
    // Compared as exact strings the three answers tie, and the first one wins.
    expect((await run("exact")).answer).toBe("xy");
  });

  it("runs a strategy of the caller's named by its spec through the catalog option", async () => {
    const backend = createScriptedBackend({ responses: ["#### 3", "#### 4", "#### 3", "#### 3"] });
    const catalog = [...strategyCatalog, twoAgreeEntry];
    const result = await solve({ problem: "q", strategy: "two-agree@4", catalog, backend });
    expect(result).toMatchObject({ strategy: "two-agree@4", answer: "3", stoppedBy: "complete" });
    expect(result.candidates).toHaveLength(4);
    expect(result.trace[0]).toMatchObject({
      type: "run-start",
      strategy: "two-agree@4",
      parameters: { n: 4 },
    });
    await expect(solve({ problem: "q", strategy: "two-agree@4", backend })).rejects.toThrow(
      /unknown spec "two-agree@4"; .*strategy: myStrategy/,
    );
    await expect(
      solve({ problem: "q", strategy: "greedy", catalog: [{ forms: "greedy" }] as never, backend }),
    ).rejects.toThrow(/^solve is invalid:\n {2}catalog\[0\]\.forms must be an array of spec forms/);
  });

  it("rejects bad input, naming the field", async () => {
    const backend = createScriptedBackend({ responses: ["x"] });
    await expect(solve({ problem: "  ", strategy: "greedy", backend })).rejects.toThrow(ConfigError);
    await expect(solve({ problem: "q", strategy: "greedy", backend, seed: 1.5 })).rejects.toThrow(
      "solve: seed must be an integer, got 1.5",
    );
    await expect(solve({ problem: "q", strategy: "best@3", backend })).rejects.toThrow(
      /unknown spec "best@3"/,
    );
    await expect(solve({ problem: "q", strategy: "greedy", backend, answerFormat: "roman" })).rejects.toThrow(
      ConfigError,
    );
    await expect(
      solve({ problem: "q", strategy: "greedy", backend, budget: { maxCalls: -3 } }),
    ).rejects.toThrow(/budget\.maxCalls/);
    await expect(solve({ problem: "q", strategy: 42 as never, backend })).rejects.toThrow(
      'solve: strategy must be a strategy (an object with a run method) or its spec, such as "sc@8", got 42',
    );
    await expect(
      solve({ problem: "q", strategy: "cascade@2", backend, route: "a>b" as never }),
    ).rejects.toThrow('solve: route must be an array of model names, smallest first, got "a>b"');
    await expect(solve({ problem: "q", strategy: "greedy", backend, signal: "x" as never })).rejects.toThrow(
      'solve: signal must be an AbortSignal, got "x"',
    );
    expect(backend.calls).toHaveLength(0);
  });

  it("refuses an unknown key of its options, its budget or its sampling, naming the keys it takes", async () => {
    const backend = createScriptedBackend({ responses: ["#### 1"] });
    const refusal = async (options: Record<string, unknown>): Promise<ConfigError> => {
      const error = await solve({ problem: "q", strategy: "greedy", backend, ...options }).catch(
        (caught: unknown) => caught,
      );
      expect(ConfigError.isInstance(error)).toBe(true);
      return error as ConfigError;
    };
    const budget = await refusal({ budget: { maxTotalToken: 5 } });
    expect(budget.message).toBe(
      "createBudget: budget.maxTotalToken: unknown key (budget takes maxTotalTokens, maxCompletionTokens, maxCalls, maxScoreCalls, maxMilliseconds, maxCostUsd)",
    );
    expect(budget.field).toBe("budget.maxTotalToken");
    const sampling = await refusal({ sampling: { temp: 0 } });
    expect(sampling.message).toBe(
      "solve: sampling.temp: unknown key (sampling takes temperature, topP, topK, minP, maxTokens, stop)",
    );
    expect(sampling.field).toBe("sampling.temp");
    const option = await refusal({ promptTemplat: () => ({ kind: "text", text: "q" }) });
    expect(option.message).toMatch(
      /^solve: promptTemplat: unknown key \(solve takes problem, strategy, backend, /,
    );
    expect(option.message).toContain("promptTemplate");
    expect(option.field).toBe("promptTemplat");
    expect(backend.calls).toHaveLength(0);
  });

  it("refuses a scorer's factory in place of the scorer, before anything runs", async () => {
    const backend = createScriptedBackend({ responses: ["#### 1"] });
    const scorer = labOutcomeChecker as unknown as OutcomeScorer;
    const error = await solve({ problem: "1+1=?", strategy: "bon@2", backend, scorer }).catch(
      (caught: unknown) => caught,
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).field).toBe("scorer");
    expect((error as Error).message).toBe(
      "solve: scorer must be an outcome scorer (an object with a score method), got the function labOutcomeChecker; call it and pass the scorer it returns",
    );
    const prm = { name: "no-score" } as unknown as ProcessRewardModel;
    await expect(solve({ problem: "1+1=?", strategy: "pf@2", backend, prm })).rejects.toThrow(
      "solve: prm must be a process reward model (an object with a score method), got an object without score",
    );
    expect(backend.calls).toHaveLength(0);
    const scored = await solve({ problem: "1+1=?", strategy: "bon@2", backend, scorer: labOutcomeChecker() });
    expect(scored.answer).toBe("1");
  });

  it("refuses a missing or half-made backend or clock, and shows a seed that JSON cannot, before anything runs", async () => {
    const backend = createScriptedBackend({ responses: ["#### 1"] });
    const refusal = async (options: Record<string, unknown>): Promise<ConfigError> => {
      const error = await solve({
        problem: "q",
        strategy: "greedy",
        backend,
        ...options,
      } as SolveOptions).catch((caught: unknown) => caught);
      expect(ConfigError.isInstance(error)).toBe(true);
      return error as ConfigError;
    };
    const missing = await refusal({ backend: undefined });
    expect(missing.message).toBe(
      "solve: backend: missing; expected a backend (an object with describe, capabilities and generate methods)",
    );
    expect(missing.field).toBe("backend");
    const nothing = await (solve as (options?: unknown) => Promise<unknown>)().catch(
      (caught: unknown) => caught,
    );
    expect((nothing as ConfigError).message).toBe(
      "solve: expected an options object { problem, strategy, backend, … }; got undefined",
    );
    expect((nothing as ConfigError).field).toBe("options");
    const empty = await (solve as (options?: unknown) => Promise<unknown>)({}).catch(
      (caught: unknown) => caught,
    );
    expect((empty as ConfigError).message).toMatch(
      /^solve is invalid:\n {2}problem: missing; expected a non-empty question\n {2}strategy: missing; expected a strategy/,
    );
    expect((await refusal({ backend: createScriptedBackend })).message).toBe(
      "solve: backend must be a backend (an object with describe, capabilities and generate methods), got the function createScriptedBackend; call it and pass the backend it returns",
    );
    expect((await refusal({ backend: { generate: backend.generate } })).message).toMatch(
      /got an object without describe and capabilities$/,
    );
    const clock = await refusal({ clock: {} });
    expect(clock.message).toBe(
      "solve: clock must be a clock (an object with a now method), got an object without now",
    );
    expect(clock.field).toBe("clock");
    expect((await refusal({ seed: Number.NaN })).message).toBe("solve: seed must be an integer, got NaN");
    expect((await refusal({ seed: 10n })).message).toBe("solve: seed must be an integer, got 10n");
    expect((await refusal({ problem: 7 })).message).toBe(
      "solve: problem must be a non-empty question, got 7",
    );
    expect(backend.calls).toHaveLength(0);
    const timed = await solve({ problem: "q", strategy: "greedy", backend, clock: manualClock(5) });
    expect(timed.answer).toBe("1");
  });

  it("takes a prompt template as a function, a loaded template or a built-in name", async () => {
    const backend = createScriptedBackend({ responses: ["#### 22"] });
    const gsm8k = await loadPromptTemplate("gsm8k");
    const expected = gsm8k.render({ question: "17+5=?" });
    const byName = await solve({ problem: "17+5=?", strategy: "greedy", backend, promptTemplate: "gsm8k" });
    expect(byName.answer).toBe("22");
    expect(backend.calls[0]!.request.prompt).toEqual(expected);
    await solve({ problem: "17+5=?", strategy: "greedy", backend, promptTemplate: gsm8k });
    expect(backend.calls[1]!.request.prompt).toEqual(expected);
    await solve({ problem: "17+5=?", strategy: "greedy", backend, promptTemplate: gsm8k.render });
    expect(backend.calls[2]!.request.prompt).toEqual(expected);
    // A template given by name wins over the profile's, as a function does.
    await solve({
      problem: "1+2=?",
      strategy: "greedy",
      backend,
      profile: labProfile(),
      promptTemplate: "qwen-math",
    });
    const qwenMath = await loadPromptTemplate("qwen-math");
    expect(backend.calls[3]!.request.prompt).toEqual(qwenMath.render({ question: "1+2=?" }));
  });

  it("refuses a prompt template it cannot render with, saying what to pass, before any backend call", async () => {
    const backend = createScriptedBackend({ responses: ["#### 22"] });
    const refusal = async (promptTemplate: unknown): Promise<ConfigError> => {
      const error = await solve({
        problem: "17+5=?",
        strategy: "sc@2",
        backend,
        promptTemplate,
      } as SolveOptions).catch((caught: unknown) => caught);
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).field).toBe("promptTemplate");
      return error as ConfigError;
    };
    const expected =
      "solve: promptTemplate must be a prompt template: a function (problem) => Prompt, the template " +
      "loadPromptTemplate returns (an object with a render method) or a built-in name (default, lab, gsm8k, qwen-math)";
    expect((await refusal("few-shot.json")).message).toBe(
      `${expected}, got "few-shot.json"; for a template file, pass await loadPromptTemplate("few-shot.json")`,
    );
    expect((await refusal(5)).message).toBe(`${expected}, got 5`);
    expect((await refusal({ endpoint: "chat", prompt: "{question}" })).message).toBe(
      `${expected}, got {"endpoint":"chat","prompt":"{question}"}; for a template spec, pass promptTemplateFromSpec(spec)`,
    );
    expect((await refusal(loadPromptTemplate("gsm8k"))).message).toBe(
      `${expected}, got Promise {}; await it and pass the template it gives`,
    );
    expect((await refusal({ name: "gsm8k", render: "{question}" })).message).toMatch(
      /, got \{"name":"gsm8k"/,
    );
    expect(backend.calls).toHaveLength(0);
  });

  it("refuses an answer format without its methods or name, or an unknown name, before any backend call", async () => {
    const backend = createScriptedBackend({ responses: ["#### 22"] });
    const refusal = async (answerFormat: unknown): Promise<ConfigError> => {
      const error = await solve({
        problem: "17+5=?",
        strategy: "sc@2",
        backend,
        answerFormat,
      } as SolveOptions).catch((caught: unknown) => caught);
      expect(ConfigError.isInstance(error)).toBe(true);
      return error as ConfigError;
    };
    const expected =
      "solve: answerFormat must be an answer format name (auto, numeric, math, date, choice, exact, text) " +
      "or an answer format (an object with extract, key and equivalent methods)";
    const number = await refusal(5);
    expect(number.message).toBe(`${expected}, got 5`);
    expect(number.field).toBe("answerFormat");
    expect((await refusal("roman")).message).toBe(`${expected}, got "roman"`);
    expect((await refusal({ name: "mine", extract: () => "1" })).message).toBe(
      `${expected}, got an object without key and equivalent`,
    );
    const methods = { extract: () => "1", key: (answer: string) => answer, equivalent: () => true };
    const unnamed = await refusal(methods);
    expect(unnamed.field).toBe("answerFormat.name");
    expect(unnamed.message).toContain("a string (the format's name)");
    expect((await refusal({ ...methods, name: 5 })).message).toBe(
      "solve: answerFormat.name must be a string (the format's name), got 5",
    );
    expect(backend.calls).toHaveLength(0);
    const own = await solve({
      problem: "17+5=?",
      strategy: "greedy",
      backend,
      answerFormat: { ...methods, name: "mine", extract: (text) => text.split("#### ")[1] },
    });
    expect(own.answer).toBe("22");
  });
});
