import { describe, expect, it } from "vitest";
import { BackendCallError } from "../errors/index.ts";
import type { Backend, BudgetLimits, GenerationRequest, Prompt } from "../spec/index.ts";
import { createScriptedBackend, testStrategyContext } from "../testing/index.ts";
import { judgeProcessReward } from "./judge-process-reward.ts";
import { scorePartialSolutions } from "./score-partial-solutions.ts";

const problem = { question: "q" };

/** Two words, so two tokens as the scripted backend reports and as the judge below counts them. */
const shortPrompt = (_problem: unknown, steps: readonly string[], index: number): Prompt => ({
  kind: "text",
  text: `judge ${steps[index]}`,
});

/** Words of a text prompt: the tokens the scripted backend reports for it. */
function words(prompt: Prompt): number {
  return prompt.kind === "text" ? (prompt.text.match(/\S+/g) ?? []).length : 0;
}

/** A scripted judge that writes `reply` (one token a word, cut at `maxTokens`) and records its requests. */
function countingJudge(reply: string, refuse?: (request: GenerationRequest) => BackendCallError | undefined) {
  const scripted = createScriptedBackend({ responses: [reply] });
  const requests: GenerationRequest[] = [];
  const backend: Backend = {
    ...scripted,
    countTokens: async (prompt) => words(prompt),
    async generate(request, options) {
      requests.push(request);
      const refusal = refuse?.(request);
      if (refusal !== undefined) throw refusal;
      return scripted.generate(request, options);
    },
  };
  return { backend, requests };
}

function scoring(backend: Backend, limits: BudgetLimits = {}) {
  const prm = judgeProcessReward({ backend, template: shortPrompt });
  const context = testStrategyContext({ limits, parentId: "run" });
  const score = (partials: readonly { id: string; steps: readonly string[] }[]) =>
    scorePartialSolutions({ problem, partials, prm, context });
  return { context, score };
}

const partials = [
  { id: "a", steps: ["one", "two"] },
  { id: "b", steps: ["one", "three"] },
];

const notes = (context: ReturnType<typeof testStrategyContext>) =>
  context.tracer
    .events()
    .flatMap((event) => (event.type === "note" ? [[event.parentId, event.message] as const] : []));

describe("scorePartialSolutions with an LLM step judge", () => {
  it("judges each step once, as scorer calls, and records the rewards", async () => {
    const judge = countingJudge("YES");
    const { context, score } = scoring(judge.backend);
    const result = await score(partials);
    expect(result).toMatchObject({
      stoppedBy: "complete",
      calls: 3,
      rewards: [
        [1, 1],
        [1, 1],
      ],
      values: [1, 1],
    });
    expect(judge.requests.map((request) => request.maxTokens)).toEqual([256, 256, 256]);
    expect(context.budget.spent()).toMatchObject({ scoreCalls: 3, usage: { calls: 0, promptTokens: 6 } });
  });

  it("sizes each call by what the budget leaves after its prompt, and makes none it cannot afford", async () => {
    // Five tokens a reply, two a prompt: 7 each; 16 afford two calls, and the third not even its prompt.
    const judge = countingJudge("a b c d YES");
    const { context, score } = scoring(judge.backend, { maxTotalTokens: 16 });
    const result = await score(partials);
    expect(judge.requests.map((request) => request.maxTokens)).toEqual([14, 7]);
    expect(result).toMatchObject({ stoppedBy: "tokens", calls: 2, rewards: undefined, values: undefined });
    const spent = context.budget.spent().usage;
    expect((spent.promptTokens ?? 0) + (spent.completionTokens ?? 0)).toBe(14);
    expect(notes(context)).toEqual([
      [
        "run",
        "step-judge:scripted: 1 of 3 judge calls not made: the budget's tokens limit could not afford them; those steps get no reward",
      ],
    ]);
    expect(context.tracer.events().some((event) => event.type === "score")).toBe(false);
  });

  it("judges no more steps than the scorer calls left, however many calls run at once", async () => {
    const judge = countingJudge("YES");
    const prm = judgeProcessReward({ backend: judge.backend, template: shortPrompt, concurrency: 4 });
    const context = testStrategyContext({ limits: { maxScoreCalls: 2 }, parentId: "run" });
    const result = await scorePartialSolutions({
      problem,
      partials: [{ id: "a", steps: ["one", "two", "three", "four"] }],
      prm,
      context,
    });
    expect(result).toMatchObject({ stoppedBy: "score-calls", calls: 2, rewards: undefined });
    expect(
      judge.requests.map((request) => (request.prompt.kind === "text" ? request.prompt.text : "")),
    ).toEqual(["judge one", "judge two"]);
    expect(context.budget.spent().scoreCalls).toBe(2);
  });

  it("gives a reply the budget cut no reward, spends no more than the limit, and stops by it", async () => {
    const judge = countingJudge("a b c d e f g h i j YES");
    const { context, score } = scoring(judge.backend, { maxTotalTokens: 10 });
    const result = await score(partials);
    expect(judge.requests.map((request) => request.maxTokens)).toEqual([8]);
    expect(result).toMatchObject({ stoppedBy: "tokens", rewards: undefined });
    expect(context.budget.spent().usage).toMatchObject({ promptTokens: 2, completionTokens: 8 });
    expect(notes(context)[0]).toEqual([
      "a",
      "step-judge:scripted: the judge's reply was cut at 8 tokens by the budget's tokens limit; a cut reply is no verdict, so this step gets no reward",
    ]);
  });

  it("counts a step whose call the backend refused 0, with a note and its usage charged, and asks again later", async () => {
    const judge = countingJudge("YES", (request) =>
      request.prompt.kind === "text" && request.prompt.text === "judge three"
        ? new BackendCallError("HTTP 400: the request exceeds the available context size", {
            status: 400,
            usage: { promptTokens: 5, completionTokens: 0, calls: 1 },
          })
        : undefined,
    );
    const { context, score } = scoring(judge.backend);
    const result = await score(partials);
    expect(result).toMatchObject({
      stoppedBy: "complete",
      calls: 3,
      rewards: [
        [1, 1],
        [1, 0],
      ],
    });
    expect(context.budget.spent().usage).toMatchObject({ promptTokens: 2 + 2 + 5 });
    expect(notes(context)).toEqual([
      [
        "run",
        "step-judge:scripted: the judge's backend refused 1 of 3 judge calls, so those steps get no reward: HTTP 400: the request exceeds the available context size",
      ],
    ]);
    const details = context.tracer
      .events()
      .flatMap((event) => (event.type === "score" ? [event.detail] : []));
    expect(details).toEqual([
      "process reward, last of 2 steps",
      "process reward, last of 2 steps; 1 step's judge call refused, counted 0",
    ]);
    // Judged steps are remembered; the refused one is asked again.
    await score([partials[1]!]);
    expect(
      judge.requests.map((request) => (request.prompt.kind === "text" ? request.prompt.text : "")),
    ).toEqual(["judge one", "judge two", "judge three", "judge three"]);
  });
});
