import { describe, expect, it } from "vitest";
import { labProcessReward } from "../lab/index.ts";
import { judgePromptTokens } from "../scoring/index.ts";
import type { Problem, Prompt } from "../spec/index.ts";
import { parseStrategySpec } from "../strategies/index.ts";
import { createScriptedBackend, testStrategyContext } from "../testing/index.ts";
import { architecture } from "./architecture.ts";
import { architectureWorstCase, judgedSolutions, plannedGenerations } from "./architecture-worst-case.ts";
import { critiquePrompt, fusionPrompt } from "./fusion-prompt.ts";
import { parseArchitecture } from "./parse-architecture.ts";

const judged = (spec: string) => judgedSolutions(parseArchitecture(spec));

describe("judgedSolutions", () => {
  it("counts each solution once, at the first test or rank-prm layer that finds it in the pool", () => {
    expect(judged("gen@4+test+first")).toBe(4);
    expect(judged("gen@4+rank-prm@2+test+first")).toBe(4);
    expect(judged("gen@4+test+rank-prm@1+first")).toBe(4);
    // A rank by another measure leaves fewer to judge; a fuse brings new ones.
    expect(judged("gen@6+rank@2+test+first")).toBe(2);
    expect(judged("gen@4+rank-prm@2+critique+fuse@3+test+first")).toBe(4 + 3);
    expect(judged("gen@3+test+gen@2+rank-prm@1+first")).toBe(3 + 2);
    expect(judged("gen@4+verify+rank@2+rank-lp@1+first")).toBe(0);
  });
});

describe("architectureWorstCase", () => {
  it("declares judged steps only with a test or rank-prm layer: 40 steps of up to max_tokens a solution", () => {
    const { judgedSteps, worstCaseTokens } = architectureWorstCase(
      parseArchitecture("gen@4+test+first"),
      512,
    );
    expect(worstCaseTokens).toBeUndefined();
    expect(judgedSteps?.({ promptTokens: 50, maxTokens: 200, charactersPerToken: 4 })).toEqual({
      steps: 160,
      each: { promptTokens: 50, pathTokens: 200, pathSteps: 40, charactersPerToken: 4 },
    });
    expect(architectureWorstCase(parseArchitecture("gen@4+verify+rank@2+vote"), 512)).toEqual({});
  });

  it("reckons what each critique and fused solution reads and writes", () => {
    const layers = parseArchitecture("gen@3+critique+fuse@2+first");
    expect(plannedGenerations(layers)).toBe(3 + 3 + 2);
    const worstCase = architectureWorstCase(layers, 100).worstCaseTokens;
    const template = (prompt: Prompt) => judgePromptTokens(prompt, 4);
    const critique = template(critiquePrompt("", ""));
    const critiqued = [1, 2, 3].map(() => ({ text: "", critique: "" }));
    const fuse = Math.max(
      template(fusionPrompt({ kind: "text", text: "" }, critiqued)),
      template(fusionPrompt({ kind: "chat", messages: [{ role: "user", content: "" }] }, critiqued)),
    );
    expect(worstCase?.({ promptTokens: 10, maxTokens: 20, charactersPerToken: 4 })).toBe(
      3 * (10 + 20) + 3 * (critique + 10 + 20 + 100) + 2 * (fuse + 10 + 3 * (20 + 100) + 20),
    );
    // Without a critique, a fuse reads the candidates alone.
    const bare = architectureWorstCase(parseArchitecture("gen@2+fuse@1"), 100).worstCaseTokens;
    const plain = template(
      fusionPrompt({ kind: "chat", messages: [{ role: "user", content: "" }] }, [{ text: "" }, { text: "" }]),
    );
    expect(bare?.({ promptTokens: 10, maxTokens: 20, charactersPerToken: 4 })).toBe(
      2 * 30 + (plain + 10 + 2 * 20 + 20),
    );
  });

  it("bounds what a run spends, where samples × (prompt + max_tokens) falls short", async () => {
    const problem: Problem = { question: "What is 6 × 7?", gold: "42" };
    // Every call writes as much as it is allowed: 20 tokens of a solution, 8 of a critique.
    const long = `${"step ".repeat(60)}\n#### 42`;
    const context = testStrategyContext({
      backend: createScriptedBackend({ responses: [long] }),
      sampling: { temperature: 1, maxTokens: 20 },
    });
    const strategy = architecture({ layers: "gen@3+critique+fuse@2+first", critiqueTokens: 8 });
    await strategy.run(problem, context);
    const { promptTokens, completionTokens } = context.budget.spent().usage;
    const spent = (promptTokens ?? 0) + (completionTokens ?? 0);
    // The scripted backend counts a token a word: the prompt's words, and templates counted by characters.
    const prompt = context.promptTemplate(problem);
    const words = (prompt.kind === "text" ? prompt.text : prompt.messages.map((m) => m.content).join(" "))
      .split(/\s+/)
      .filter(Boolean).length;
    const request = { promptTokens: words, maxTokens: 20 };
    expect(spent).toBeGreaterThan(strategy.samples * (words + 20));
    expect(spent).toBeLessThanOrEqual(strategy.worstCaseTokens?.(request) ?? 0);
  });

  it("is what the catalog's architecture declares", () => {
    const strategy = parseStrategySpec("gen@4+rank-prm@2+critique+fuse@1+first", { prm: labProcessReward() });
    const request = { promptTokens: 10, maxTokens: 20 };
    expect(strategy.judgedSteps?.(request).steps).toBe(4 * 40);
    expect(strategy.worstCaseTokens?.(request)).toBe(
      architectureWorstCase(
        parseArchitecture("gen@4+rank-prm@2+critique+fuse@1+first"),
        512,
      ).worstCaseTokens?.(request),
    );
  });
});
