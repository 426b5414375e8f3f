import { afterEach, describe, expect, it } from "vitest";
import { createOpenAICompatibleBackend } from "../backends/openai-compatible/index.ts";
import { BackendCallError } from "../errors/index.ts";
import type { Backend, BudgetLimits, Candidate, GenerationRequest, Prompt } from "../spec/index.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import { createScriptedBackend, testStrategyContext } from "../testing/index.ts";
import { judgeCandidates } from "./judge-candidates.ts";
import { llmJudgeScorer } from "./llm-judge-scorer.ts";

const candidates: Candidate[] = ["1", "2", "3"].map((answer, index) => ({
  id: `g${index}`,
  text: `#### ${answer}`,
  answer,
  finishReason: "stop",
  completionTokens: 2,
  scores: [],
}));

/** Two words, so two tokens as the scripted backend reports and as the test backend counts them. */
const shortPrompt = (_problem: unknown, solution: { answer: string | undefined }): Prompt => ({
  kind: "text",
  text: `judge ${solution.answer}`,
});

/** Words of a text prompt: the tokens the scripted backend reports for it. */
function words(prompt: Prompt): number {
  return prompt.kind === "text" ? (prompt.text.match(/\S+/g) ?? []).length : 0;
}

/**
 * A scripted judge that writes `reply` to each request (one token a word, cut at `maxTokens`), counts its
 * prompts as it reports them, records each request and the most calls it had in flight at once.
 */
function countingJudge(reply: string, refuse?: (request: GenerationRequest) => BackendCallError | undefined) {
  const scripted = createScriptedBackend({ responses: [reply], delayMilliseconds: 5 });
  const requests: GenerationRequest[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const backend: Backend = {
    ...scripted,
    countTokens: async (prompt) => words(prompt),
    async generate(request, options) {
      requests.push(request);
      const refusal = refuse?.(request);
      if (refusal !== undefined) throw refusal;
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      try {
        return await scripted.generate(request, options);
      } finally {
        inFlight -= 1;
      }
    },
  };
  return { backend, requests, mostInFlight: () => mostInFlight };
}

function judging(backend: Backend, limits: BudgetLimits = {}) {
  const scorer = llmJudgeScorer({ backend, template: shortPrompt });
  const context = testStrategyContext({ limits, parentId: "run" });
  return {
    context,
    judge: () =>
      judgeCandidates({
        problem: { question: "q" },
        candidates,
        scorer: scorer.name,
        judge: scorer.judge!,
        context,
      }),
  };
}

describe("judgeCandidates", () => {
  it("runs the calls together when the budget affords them all, each charged as a scorer call", async () => {
    const judge = countingJudge("Fine. Score: 8/10");
    const { context, judge: run } = judging(judge.backend);
    const result = await run();
    expect(result.scores.map((score) => score?.value)).toEqual([0.8, 0.8, 0.8]);
    expect(result).toMatchObject({ stoppedBy: "complete", calls: 3 });
    expect(judge.mostInFlight()).toBe(3);
    expect(judge.requests.map((request) => request.maxTokens)).toEqual([512, 512, 512]);
    const spent = context.budget.spent();
    expect(spent.scoreCalls).toBe(3);
    // Three prompts of 2 tokens and three replies of 3: scorer calls, not generation calls.
    expect(spent.usage).toMatchObject({ promptTokens: 6, completionTokens: 9, calls: 0 });
    const events = context.tracer.events();
    expect(events.map((event) => [event.type, event.parentId])).toEqual(
      candidates.map((candidate) => ["score", candidate.id]),
    );
  });

  it("sizes each call by what the calls before it spent, and makes none the budget cannot afford", async () => {
    // Ten tokens a reply, two a prompt: 12 each; 25 tokens afford two calls, and the third not a prompt.
    const judge = countingJudge("a b c d e f g h Score: 9/10");
    const { context, judge: run } = judging(judge.backend, { maxTotalTokens: 25 });
    const result = await run();
    // One at a time, each asking no more than what was left after its prompt.
    expect(judge.mostInFlight()).toBe(1);
    expect(judge.requests.map((request) => request.maxTokens)).toEqual([23, 11]);
    expect(result.scores.map((score) => score?.value)).toEqual([0.9, 0.9, undefined]);
    expect(result).toMatchObject({ stoppedBy: "tokens", calls: 2 });
    expect(context.budget.spent().usage).toMatchObject({ promptTokens: 4, completionTokens: 20 });
    expect(context.budget.spent().scoreCalls).toBe(2);
    const notes = context.tracer.events().filter((event) => event.type === "note");
    expect(notes).toMatchObject([
      {
        parentId: "run",
        message:
          "judge:scripted: 1 of 3 judge calls not made: the budget's tokens limit could not afford them; those candidates are left unscored",
      },
    ]);
  });

  it("takes a reply the budget cut for no verdict: charged, noted, unscored, and the run stops by the limit", async () => {
    // A verdict comes last: cut at 8 of its 12 tokens, the reply has none to give.
    const judge = countingJudge("a b c d e f g h i j Score: 9/10");
    const { context, judge: run } = judging(judge.backend, { maxTotalTokens: 10 });
    const result = await run();
    expect(judge.requests.map((request) => request.maxTokens)).toEqual([8]);
    expect(result.scores).toEqual([undefined, undefined, undefined]);
    expect(result).toMatchObject({ stoppedBy: "tokens", calls: 1 });
    // Exactly the limit: the prompt and the 8 tokens the budget left, never the 512 the judge asks.
    expect(context.budget.spent().usage).toMatchObject({ promptTokens: 2, completionTokens: 8 });
    const notes = context.tracer.events().filter((event) => event.type === "note");
    expect(notes.map((note) => [note.parentId, note.type === "note" ? note.message : ""])).toEqual([
      [
        "g0",
        "judge:scripted: the judge's reply was cut at 8 tokens by the budget's tokens limit; a cut reply is no verdict, so this candidate is left unscored",
      ],
      [
        "run",
        "judge:scripted: 2 of 3 judge calls not made: the budget's tokens limit could not afford them; those candidates are left unscored",
      ],
    ]);
    expect(context.tracer.events().some((event) => event.type === "score")).toBe(false);
  });

  it("leaves a candidate whose call the backend refused unscored, with a note, its usage charged, and judges the rest", async () => {
    const judge = countingJudge("Fine. Score: 7/10", (request) =>
      request.prompt.kind === "text" && request.prompt.text.endsWith(" 2")
        ? new BackendCallError("HTTP 400: the request exceeds the available context size", {
            status: 400,
            usage: { promptTokens: 5, completionTokens: 0, calls: 1 },
          })
        : undefined,
    );
    const { context, judge: run } = judging(judge.backend);
    const result = await run();
    expect(result.scores.map((score) => score?.value)).toEqual([0.7, undefined, 0.7]);
    // A refusal is no limit: the run goes on.
    expect(result).toMatchObject({ stoppedBy: "complete", calls: 3 });
    expect(context.budget.spent().usage).toMatchObject({ promptTokens: 2 + 5 + 2, completionTokens: 6 });
    const notes = context.tracer.events().filter((event) => event.type === "note");
    expect(notes).toMatchObject([
      {
        parentId: "run",
        message:
          "judge:scripted: the judge's backend refused 1 of 3 judge calls, so those candidates are left unscored: HTTP 400: the request exceeds the available context size",
      },
    ]);
  });

  it("throws what is no refusal by the backend", async () => {
    const judge = countingJudge("Score: 7/10", () => {
      throw new TypeError("a bug in the backend");
    });
    const { judge: run } = judging(judge.backend);
    await expect(run()).rejects.toThrow("a bug in the backend");
  });

  it("comes back with the deadline's reason when the run's time runs out during a call", async () => {
    const controller = new AbortController();
    const scripted = createScriptedBackend({
      responses: [{ text: "a b c d Score: 9/10", stallAfterTokens: 2 }],
      onCall: () => {
        setTimeout(() => controller.abort(), 5);
      },
    });
    const scorer = llmJudgeScorer({ backend: scripted, template: shortPrompt, concurrency: 1 });
    const context = testStrategyContext({ signal: controller.signal });
    const result = await judgeCandidates({
      problem: { question: "q" },
      candidates,
      scorer: scorer.name,
      judge: scorer.judge!,
      context,
    });
    expect(result.scores).toEqual([undefined, undefined, undefined]);
    expect(result.stoppedBy).toBe("abort");
    // The call cut after two tokens is charged what it had done; the others were not made.
    expect(scripted.calls).toHaveLength(1);
    expect(context.budget.spent().usage.completionTokens).toBe(2);
    expect(context.budget.spent().scoreCalls).toBe(1);
    expect(context.tracer.events().filter((event) => event.type === "note")).toEqual([]);
  });
});

describe("judgeCandidates over HTTP", () => {
  let server: FakeOpenAIServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it("turns an upstream's 400 for a judge prompt over its context into a note and no score", async () => {
    server = await startFakeOpenAIServer({
      handler: (request) =>
        request.prompt.includes("#### 2")
          ? {
              status: 400,
              message: "the request exceeds the available context size, try increasing it (435 > 256)",
            }
          : "Correct.\nScore: 9/10",
    });
    const backend = createOpenAICompatibleBackend({
      baseUrl: server.url,
      model: "fake-model",
      tokenizer: "none",
      capabilities: { n: false, chat: true },
    });
    try {
      const scorer = llmJudgeScorer({ backend });
      const context = testStrategyContext({ parentId: "run" });
      const result = await judgeCandidates({
        problem: { question: "What is 1 + 1?" },
        candidates,
        scorer: scorer.name,
        judge: scorer.judge!,
        context,
      });
      expect(result.scores.map((score) => score?.value)).toEqual([0.9, undefined, 0.9]);
      expect(result.stoppedBy).toBe("complete");
      // A 400 is not retried: three requests, each charged as a scorer call.
      expect(server.generations.started).toBe(3);
      expect(context.budget.spent().scoreCalls).toBe(3);
      const notes = context.tracer.events().filter((event) => event.type === "note");
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatchObject({ parentId: "run" });
      expect(notes[0]?.type === "note" ? notes[0].message : "").toMatch(
        /^judge:fake-model: the judge's backend refused 1 of 3 judge calls, so those candidates are left unscored: .*400.*exceeds the available context size/,
      );
    } finally {
      await backend.dispose();
    }
  });
});
