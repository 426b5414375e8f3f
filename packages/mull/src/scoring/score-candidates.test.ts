import { describe, expect, it } from "vitest";
import type { AnswerFormat, BudgetLimits, Candidate, OutcomeScorer, StrategyContext } from "../spec/index.ts";
import { createScriptedBackend, testStrategyContext } from "../testing/index.ts";
import { llmJudgeScorer } from "./llm-judge-scorer.ts";
import { programmaticScorer } from "./programmatic-scorer.ts";
import { scoreCandidates } from "./score-candidates.ts";

const format: AnswerFormat = {
  name: "plain",
  extract: (text) => text,
  key: (a) => a,
  equivalent: (a, b) => a === b,
};

function contextFor(limits: BudgetLimits = {}, signal?: AbortSignal): StrategyContext {
  return testStrategyContext({ limits, signal, answerFormat: format });
}

const candidates: Candidate[] = ["1", "2", "3", "4", "5"].map((answer, index) => ({
  id: `g${index}`,
  text: `#### ${answer}`,
  answer,
  finishReason: "stop",
  completionTokens: 2,
  scores: [],
}));

describe("scoreCandidates", () => {
  it("appends each score, records a score event under its candidate and counts code's invocation as one call", async () => {
    const context = contextFor();
    const checker = programmaticScorer({
      name: "even",
      check: (_problem, solution) => Number(solution.answer) % 2 === 0,
    });
    const result = await scoreCandidates({
      problem: { question: "q" },
      candidates,
      scorer: checker,
      context,
    });
    expect(result).toMatchObject({ scored: 5, stoppedBy: "complete", calls: 1 });
    expect(context.budget.spent().scoreCalls).toBe(1);
    expect(result.candidates.map((candidate) => candidate.scores[0]!.value)).toEqual([0, 1, 0, 1, 0]);
    expect(candidates[0]!.scores).toEqual([]);
    const events = context.tracer.events();
    expect(events.map((event) => [event.type, event.parentId])).toEqual(
      candidates.map((c) => ["score", c.id]),
    );
    expect(events[1]).toMatchObject({ scorer: "even", value: 1 });
  });

  it("stays within the scorer-call limit, charges calls and tokens, and says why it stopped", async () => {
    const judgeBackend = createScriptedBackend({ responses: ["Score: 8/10"] });
    const judge = llmJudgeScorer({ backend: judgeBackend });
    const context = contextFor({ maxScoreCalls: 3 });
    const result = await scoreCandidates({ problem: { question: "q" }, candidates, scorer: judge, context });
    expect(result.scored).toBe(3);
    expect(result.stoppedBy).toBe("score-calls");
    expect(judgeBackend.calls).toHaveLength(3);
    expect(result.candidates.map((candidate) => candidate.scores.length)).toEqual([1, 1, 1, 0, 0]);
    const spent = context.budget.spent();
    expect(spent.scoreCalls).toBe(3);
    // Judge tokens count against the token account; its calls are scorer calls, not generation calls.
    expect(spent.usage.calls).toBe(0);
    expect(spent.usage.completionTokens).toBe(result.usage.completionTokens);
    expect(result.usage.completionTokens).toBe(3 * 2);
  });

  it("scores as many at once as the calls left afford, by the scorer's own callsFor", async () => {
    const batches: number[] = [];
    // A reward model that scores any batch in one request.
    const batched: OutcomeScorer = {
      name: "batched",
      callsFor: (solutions) => (solutions === 0 ? 0 : 1),
      score: async (_problem, solutions) => {
        batches.push(solutions.length);
        return { scores: solutions.map(() => ({ scorer: "batched", kind: "outcome", value: 1 })), calls: 1 };
      },
    };
    const one = contextFor({ maxScoreCalls: 1 });
    const whole = await scoreCandidates({
      problem: { question: "q" },
      candidates,
      scorer: batched,
      context: one,
    });
    expect(whole).toMatchObject({ scored: 5, stoppedBy: "complete", calls: 1 });
    expect(batches).toEqual([5]);
    // Two calls per solution, three left: one solution per call, and the third call is not affordable.
    batches.length = 0;
    const paired: OutcomeScorer = {
      ...batched,
      callsFor: (solutions) => 2 * solutions,
      score: async (problem, solutions) => ({
        ...(await batched.score(problem, solutions)),
        calls: 2 * solutions.length,
      }),
    };
    const three = contextFor({ maxScoreCalls: 3 });
    const cut = await scoreCandidates({
      problem: { question: "q" },
      candidates,
      scorer: paired,
      context: three,
    });
    expect(batches).toEqual([1]);
    expect(cut).toMatchObject({ scored: 1, calls: 2 });
  });

  it("puts each later chunk's scores on that chunk's own candidates", async () => {
    // It says a call per solution but reports one per invocation: three calls left afford a chunk of 3,
    // then the 2 calls still left a chunk of the other 2.
    const batches: string[][] = [];
    const thrifty: OutcomeScorer = {
      name: "thrifty",
      callsFor: (solutions) => solutions,
      score: async (_problem, solutions) => {
        batches.push(solutions.map((solution) => solution.answer ?? ""));
        return {
          scores: solutions.map((solution) => ({
            scorer: "thrifty",
            kind: "outcome",
            value: Number(solution.answer),
          })),
          calls: 1,
        };
      },
    };
    const result = await scoreCandidates({
      problem: { question: "q" },
      candidates,
      scorer: thrifty,
      context: contextFor({ maxScoreCalls: 3 }),
    });
    expect(batches).toEqual([
      ["1", "2", "3"],
      ["4", "5"],
    ]);
    expect(result).toMatchObject({ scored: 5, stoppedBy: "complete", calls: 2 });
    expect(
      result.candidates.map((candidate) => [candidate.id, candidate.scores.map((score) => score.value)]),
    ).toEqual(candidates.map((candidate) => [candidate.id, [Number(candidate.answer)]]));
  });

  it("lets a programmatic check run once under maxScoreCalls 1, and not at all under 0", async () => {
    let invocations = 0;
    const checker = programmaticScorer({
      name: "even",
      check: (_problem, solution) => {
        invocations += 1;
        return Number(solution.answer) % 2 === 0;
      },
    });
    const one = contextFor({ maxScoreCalls: 1 });
    const first = await scoreCandidates({
      problem: { question: "q" },
      candidates,
      scorer: checker,
      context: one,
    });
    expect(first).toMatchObject({ scored: 5, stoppedBy: "complete", calls: 1 });
    expect(one.budget.spent().scoreCalls).toBe(1);
    // Every score event came from the one counted invocation.
    expect(one.tracer.events().filter((event) => event.type === "score")).toHaveLength(5);
    // The limit is now reached: a second scoring of the same run is refused before the scorer runs.
    const again = await scoreCandidates({
      problem: { question: "q" },
      candidates,
      scorer: checker,
      context: one,
    });
    expect(again).toMatchObject({ scored: 0, stoppedBy: "score-calls", calls: 0 });
    const none = contextFor({ maxScoreCalls: 0 });
    const refused = await scoreCandidates({
      problem: { question: "q" },
      candidates,
      scorer: checker,
      context: none,
    });
    expect(refused).toMatchObject({ scored: 0, stoppedBy: "score-calls", calls: 0 });
    expect(none.tracer.events()).toEqual([]);
    expect(invocations).toBe(5);
  });

  it("returns what it scored when the run is aborted during scoring", async () => {
    const controller = new AbortController();
    let seen = 0;
    const scorer = {
      name: "slow",
      async score(_problem: unknown, solutions: readonly unknown[]) {
        seen += solutions.length;
        controller.abort();
        throw new DOMException("aborted", "AbortError");
      },
    };
    const context = contextFor({}, controller.signal);
    const result = await scoreCandidates({ problem: { question: "q" }, candidates, scorer, context });
    expect(seen).toBe(5);
    expect(result).toMatchObject({ scored: 0, stoppedBy: "abort" });
  });
});
