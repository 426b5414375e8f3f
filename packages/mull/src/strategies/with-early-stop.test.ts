import { describe, expect, it } from "vitest";
import type { RunProgress } from "../budget/index.ts";
import { consensusReached, tokensExceed } from "../budget/index.ts";
import { BudgetExhaustedError, ConfigError } from "../errors/index.ts";
import { rejection } from "../runtime/rejection.test-support.ts";
import { llmJudgeScorer, programmaticScorer } from "../scoring/index.ts";
import { solve } from "../solve.ts";
import type { RunStartEvent, StopCondition, TraceEvent } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { bestOfN } from "./best-of-n.ts";
import { selfConsistency } from "./self-consistency.ts";
import { weightedVoting } from "./weighted-voting.ts";
import { withEarlyStop } from "./with-early-stop.ts";

const problem = { question: "What is 6 × 7?", gold: "42" };
const checker = programmaticScorer({
  name: "checker",
  check: (task, solution) => solution.answer === task.gold,
});
/** Stops once a candidate scored 1 by the checker: best-of-N cannot do better. */
const verified: StopCondition<RunProgress> = {
  name: "verified",
  shouldStop: (progress) =>
    progress.candidates.some((candidate) => candidate.scores.some((score) => score.value === 1)),
};
// The correct answer is the least likely one.
const distribution = { "41": 0.5, "43": 0.35, "42": 0.15 };

describe("withEarlyStop", () => {
  it("around bon@16 stops at the first round with a verified answer, spending less for the same answer", async () => {
    let stoppedEarly = 0;
    for (let seed = 0; seed < 12; seed += 1) {
      const full = await solve({
        problem,
        strategy: bestOfN({ n: 16, scorer: checker }),
        backend: createScriptedBackend({ answers: { distribution } }),
        seed,
      });
      const backend = createScriptedBackend({ answers: { distribution } });
      const early = await solve({
        problem,
        strategy: withEarlyStop(bestOfN({ n: 16, scorer: checker }), { rounds: 4, stopWhen: [verified] }),
        backend,
        seed,
      });
      expect(early.strategy).toBe("bon@16+es4");
      expect(early.candidates.length % 4).toBe(0);
      expect(early.candidates.length).toBeLessThanOrEqual(16);
      // Each round invokes the programmatic checker once, on its four candidates: one scorer call each.
      expect(early.scoreCalls).toBe(early.candidates.length / 4);
      expect(early.candidates.every((candidate) => candidate.scores.length === 1)).toBe(true);
      expect(early.usage.calls).toBe(backend.calls.length);
      const found = early.candidates.some((candidate) => candidate.answer === "42");
      expect(early.answer === "42").toBe(found);
      if (early.stoppedBy === "condition:verified") {
        stoppedEarly += early.candidates.length < 16 ? 1 : 0;
        expect(early.partial).toBe(false);
        // It stopped after the first round that held a verified answer.
        const previousRounds = early.candidates.slice(0, -4);
        expect(previousRounds.some((candidate) => candidate.answer === "42")).toBe(false);
      } else {
        expect(early.stoppedBy).toBe("complete");
        expect(early.candidates).toHaveLength(16);
      }
      if (full.answer === "42") expect(early.answer).toBe("42");
    }
    expect(stoppedEarly).toBeGreaterThan(0);
  });

  it("runs each round as a nested run of the inner strategy with fewer samples", async () => {
    const result = await solve({
      problem,
      strategy: withEarlyStop(bestOfN({ n: 10, scorer: checker }), { rounds: 3 }),
      backend: createScriptedBackend({ answers: { distribution } }),
    });
    const runs = result.trace.filter((event): event is RunStartEvent => event.type === "run-start");
    expect(runs.map((event) => event.strategy)).toEqual(["bon@10+es3", "bon@4", "bon@3", "bon@3"]);
    expect(runs.slice(1).every((event) => event.parentId === runs[0]!.id)).toBe(true);
    expect(result.candidates).toHaveLength(10);
    expect(result.stoppedBy).toBe("complete");
  });

  it("chooses over every round with the inner strategy's selection (weighted voting by score)", async () => {
    const backend = createScriptedBackend({ responses: ["#### 3", "#### 4", "#### 3", "#### 3"] });
    const trust = programmaticScorer({
      name: "trust",
      check: (_task, solution) => (solution.answer === "4" ? 0.9 : 0.2),
    });
    const result = await solve({
      problem: "q",
      strategy: withEarlyStop(weightedVoting({ n: 4, weight: "score", scorer: trust }), { rounds: 2 }),
      backend,
    });
    // Over both rounds: 4 weighs 0.9, 3 weighs 0.6.
    expect(result.answer).toBe("4");
    expect(result.votes!["3"]).toBeCloseTo(0.6, 12);
  });

  it("keeps what it has when the budget runs out between rounds", async () => {
    const result = await solve({
      problem: "q",
      strategy: withEarlyStop(selfConsistency({ n: 8 }), { rounds: 4, stopWhen: [consensusReached(1, 100)] }),
      backend: createScriptedBackend({ responses: ["#### 5"], capabilities: { n: false } }),
      budget: { maxCalls: 5 },
    });
    expect(result).toMatchObject({ answer: "5", stoppedBy: "calls", partial: true });
    expect(result.candidates).toHaveLength(5);
  });

  it("ends the run with a round that the budget cut short, marked partial", async () => {
    // Five-token answers: round one's two samples spend 10 of 17 completion tokens; round two draws one
    // more (15) and cannot pay for its second. It is the last round, yet the run reports the cut, not
    // a complete run.
    const backend = createScriptedBackend({ responses: ["one two three #### 1"] });
    const result = await solve({
      problem: "q",
      strategy: withEarlyStop(selfConsistency({ n: 4 }), { rounds: 2 }),
      backend,
      budget: { maxCompletionTokens: 17 },
    });
    expect(result).toMatchObject({ answer: "1", stoppedBy: "completion-tokens", partial: true });
    expect(result.candidates).toHaveLength(3);
    expect(result.usage.completionTokens).toBe(15);
  });

  it("draws every round under maxScoreCalls: 0 when its rounds never call a scorer", async () => {
    const strategy = withEarlyStop(selfConsistency({ n: 8 }), {
      rounds: 4,
      stopWhen: [consensusReached(1, 100)],
    });
    const backend = createScriptedBackend({ responses: ["#### 5", "#### 6"] });
    const result = await solve({ problem: "q", strategy, backend, budget: { maxScoreCalls: 0 } });
    expect(result).toMatchObject({ answer: "5", stoppedBy: "complete", partial: false, scoreCalls: 0 });
    expect(result.candidates).toHaveLength(8);
    expect(backend.calls).toHaveLength(4);
  });

  it("with roundsNeedScores starts no round, the first included, that the scorer-call limit leaves unscored", async () => {
    const inner = bestOfN({ n: 4, scorer: checker });
    const rounds = (backend: ReturnType<typeof createScriptedBackend>, maxScoreCalls: number) =>
      solve({
        problem,
        strategy: withEarlyStop(inner, { roundSize: 1, roundsNeedScores: true }),
        backend,
        budget: { maxScoreCalls },
      });
    const none = createScriptedBackend({ responses: ["#### 41"] });
    const refused = await rejection(rounds(none, 0));
    expect(BudgetExhaustedError.isInstance(refused) && refused.reason).toBe("score-calls");
    expect(none.calls).toHaveLength(0);
    const two = createScriptedBackend({ responses: ["#### 41", "#### 42", "#### 42"] });
    const result = await rounds(two, 2);
    expect(result).toMatchObject({ answer: "42", stoppedBy: "score-calls", partial: true, scoreCalls: 2 });
    expect(result.candidates.map((candidate) => candidate.scores.length)).toEqual([1, 1]);
    expect(two.calls).toHaveLength(2);
    expect(() => withEarlyStop(inner, { rounds: 2, roundsNeedScores: "yes" } as never)).toThrow(
      'withEarlyStop: roundsNeedScores must be a boolean, got "yes"',
    );
  });

  it("checks conditions on spending too", async () => {
    const result = await solve({
      problem: "q",
      strategy: withEarlyStop(selfConsistency({ n: 8 }), { rounds: 8, stopWhen: [tokensExceed(0)] }),
      backend: createScriptedBackend({ responses: ["#### 5"] }),
    });
    expect(result).toMatchObject({ stoppedBy: "condition:tokens-exceed", partial: false });
    expect(result.candidates).toHaveLength(1);
  });

  it("refuses more rounds than samples, naming the field", () => {
    expect(() => withEarlyStop(selfConsistency({ n: 4 }), { rounds: 5 })).toThrow(ConfigError);
    expect(() => withEarlyStop(selfConsistency({ n: 4 }), { rounds: 0 })).toThrow(
      "withEarlyStop: rounds must be an integer from 1 to 4, got 0",
    );
  });

  it("runs rounds of exactly roundSize samples, the last one smaller", async () => {
    const result = await solve({
      problem,
      strategy: withEarlyStop(bestOfN({ n: 10, scorer: checker }), { roundSize: 4 }),
      backend: createScriptedBackend({ answers: { distribution } }),
    });
    const runs = result.trace.filter((event): event is RunStartEvent => event.type === "run-start");
    expect(runs.map((event) => event.strategy)).toEqual(["bon@10+es3x4", "bon@4", "bon@4", "bon@2"]);
    expect(runs[0]!.parameters).toMatchObject({ inner: "bon@10", n: 10, roundSize: 4 });
    expect(result.candidates).toHaveLength(10);
    expect(result.stoppedBy).toBe("complete");
  });

  it("names its stop conditions in its parameters, and leaves them out when it has none", () => {
    const strategy = withEarlyStop(selfConsistency({ n: 8 }), {
      rounds: 2,
      stopWhen: [consensusReached(0.8)],
    });
    expect(strategy.parameters.stopWhen).toEqual(["consensus"]);
    expect(strategy.parameters).toMatchObject({ inner: "sc@8", n: 8, stopWhen: ["consensus"] });
    expect(withEarlyStop(selfConsistency({ n: 8 }), { rounds: 2 }).parameters).not.toHaveProperty("stopWhen");
  });

  it("checks conditions after every round of roundSize", async () => {
    const result = await solve({
      problem: "q",
      strategy: withEarlyStop(selfConsistency({ n: 9 }), {
        roundSize: 3,
        stopWhen: [consensusReached(1, 5)],
      }),
      backend: createScriptedBackend({ responses: ["#### 5"] }),
    });
    expect(result).toMatchObject({ stoppedBy: "condition:consensus", partial: false });
    expect(result.candidates).toHaveLength(6);
  });

  it("takes exactly one of rounds and roundSize, naming both", () => {
    const inner = selfConsistency({ n: 4 });
    for (const options of [{ rounds: 2, roundSize: 2 }, {}]) {
      const error = (() => {
        try {
          withEarlyStop(inner, options);
        } catch (caught) {
          return caught;
        }
      })();
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).message).toMatch(
        /^withEarlyStop: expected exactly one of rounds or roundSize/,
      );
    }
    expect(() => withEarlyStop(inner, { roundSize: 5 })).toThrow(
      "withEarlyStop: roundSize must be an integer from 1 to 4, got 5",
    );
  });

  it("runs the opening round first, counted toward the inner strategy's samples", async () => {
    const backend = createScriptedBackend({ responses: ["#### 5", "#### 6", "#### 5", "#### 5", "#### 5"] });
    const result = await solve({
      problem,
      strategy: withEarlyStop(selfConsistency({ n: 5 }), {
        roundSize: 2,
        opening: selfConsistency({ n: 1, temperature: 0 }),
      }),
      backend,
    });
    expect(result.strategy).toBe("sc@5+sc@1+es2x2");
    // One greedy call, then rounds of two over the four samples left.
    expect(backend.calls.map((call) => [call.request.temperature, call.request.n ?? 1])).toEqual([
      [0, 1],
      [0.7, 2],
      [0.7, 2],
    ]);
    expect(result.candidates).toHaveLength(5);
    expect(result.answer).toBe("5");
    expect(() =>
      withEarlyStop(selfConsistency({ n: 2 }), { roundSize: 1, opening: selfConsistency({ n: 3 }) }),
    ).toThrow("withEarlyStop: opening sc@3 draws 3 samples, more than the inner strategy's 2");
  });

  it("takes an opening that draws every sample, and then runs no other round", async () => {
    // An opening of N leaves no samples to split into rounds: it is the whole run.
    const strategy = withEarlyStop(selfConsistency({ n: 2 }), {
      roundSize: 1,
      opening: selfConsistency({ n: 2, temperature: 0 }),
    });
    expect(strategy.name).toBe("sc@2+sc@2+es0");
    const backend = createScriptedBackend({ responses: ["#### 5", "#### 6"] });
    const result = await solve({ problem, strategy, backend });
    const runs = result.trace.filter((event): event is RunStartEvent => event.type === "run-start");
    expect(runs.map((event) => event.strategy)).toEqual(["sc@2+sc@2+es0", "sc@2"]);
    expect(backend.calls.every((call) => call.request.temperature === 0)).toBe(true);
    expect(result.candidates).toHaveLength(2);
    expect(result.stoppedBy).toBe("complete");
    // Under rounds too: no samples are left to split, so no round count is checked against them.
    const byRounds = withEarlyStop(selfConsistency({ n: 3 }), {
      rounds: 2,
      opening: selfConsistency({ n: 3 }),
    });
    expect(byRounds.name).toBe("sc@3+sc@3+es0");
    expect(byRounds.samples).toBe(3);
  });

  it("runs one more round after an opening one sample short of the inner strategy's", async () => {
    const strategy = withEarlyStop(selfConsistency({ n: 3 }), {
      rounds: 1,
      opening: selfConsistency({ n: 2 }),
    });
    expect(strategy.name).toBe("sc@3+sc@2+es1");
    const backend = createScriptedBackend({ responses: ["#### 1", "#### 2", "#### 3"] });
    const result = await solve({ problem, strategy, backend });
    const runs = result.trace.filter((event): event is RunStartEvent => event.type === "run-start");
    expect(runs.map((event) => event.strategy)).toEqual(["sc@3+sc@2+es1", "sc@2", "sc@1"]);
    expect(result.candidates).toHaveLength(3);
  });

  describe("when the judge gives no verdict (samples 2, 1, 1, 1)", () => {
    const silentJudge = () =>
      llmJudgeScorer({ backend: createScriptedBackend({ responses: ["Hard to say."] }) });
    const run = (strategy: string) =>
      solve({
        problem: "q",
        strategy,
        scorer: silentJudge(),
        backend: createScriptedBackend({ responses: ["#### 2", "#### 1", "#### 1", "#### 1"] }),
      });
    const notesOf = (trace: readonly TraceEvent[]) =>
      trace.flatMap((event) => (event.type === "note" ? [event.message] : []));
    const bonTie =
      "bon@4: the scorer gave all 4 scored candidates the same score (0); 4 of 4 replies held no usable verdict; the first was returned, chosen by no verdict";

    it.each([
      "asc(bon@4)",
      "esc(bon@4)w2",
    ])("%s notes once that its final pick over every round was no choice", async (spec) => {
      const result = await run(spec);
      expect(result.candidates).toHaveLength(4);
      expect(result.answer).toBe("2");
      expect(notesOf(result.trace)).toEqual([bonTie]);
      // The note hangs under the wrapper's own run, not under a round's.
      const note = result.trace.find((event) => event.type === "note")!;
      const root = result.trace.find((event) => event.type === "run-start" && event.parentId === undefined);
      expect(note.parentId).toBe(root!.id);
    });

    it("asc(wv@4) falls back to a majority vote over every round, and notes it once", async () => {
      const result = await run("asc(wv@4)");
      expect(result.candidates).toHaveLength(4);
      expect(result.answer).toBe("1");
      expect(result.votes).toEqual({ "2": 1, "1": 3 });
      expect(notesOf(result.trace)).toEqual([
        "wv@4: all 4 weighed candidates weigh 0, so the weights cannot choose; 4 of 4 replies held no usable verdict; falling back to a majority vote",
      ]);
    });

    it("a selector of its own makes no claim for the inner strategy's selection", async () => {
      const result = await solve({
        problem: "q",
        strategy: withEarlyStop(bestOfN({ n: 4, scorer: silentJudge() }), {
          roundSize: 2,
          select: selfConsistency({ n: 4 }).select,
        }),
        backend: createScriptedBackend({ responses: ["#### 2", "#### 1", "#### 1", "#### 1"] }),
      });
      expect(result.answer).toBe("1");
      expect(notesOf(result.trace)).toEqual([]);
    });
  });
});
