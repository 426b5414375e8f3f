import { describe, expect, it } from "vitest";
import { manualClock, seededRng } from "../runtime/index.ts";
import type { AnswerFormat, Candidate } from "../spec/index.ts";
import { createTracer } from "../trace/index.ts";
import { argmaxByScore } from "./argmax-by-score.ts";

const plain: AnswerFormat = {
  name: "plain",
  extract: (t) => t,
  key: (a) => a.trim(),
  equivalent: (a, b) => a === b,
};

function candidate(id: string, answer: string | undefined, scores: Record<string, number>): Candidate {
  return {
    id,
    text: "",
    answer,
    finishReason: "stop",
    completionTokens: 1,
    scores: Object.entries(scores).map(([scorer, value]) => ({ scorer, kind: "outcome" as const, value })),
  };
}

describe("argmaxByScore", () => {
  it("picks the highest-scored candidate with an answer, first on ties, and records a vote", () => {
    const tracer = createTracer(manualClock());
    const pool = [
      candidate("a", "1", { rm: 0.3, judge: 0.9 }),
      candidate("b", undefined, { rm: 0.99 }),
      candidate("c", "2", { rm: 0.8 }),
      candidate("d", "3 ", { rm: 0.8 }),
      candidate("e", "4", {}),
    ];
    const result = argmaxByScore({ scorer: "rm" })(pool, { answerFormat: plain, tracer, rng: seededRng(0) });
    expect(result.best?.id).toBe("c");
    expect(result.answer).toBe("2");
    expect(result.tally).toEqual({ "1": 0.3, "2": 0.8, "3": 0.8 });
    expect(tracer.events()[0]).toMatchObject({ type: "vote", method: "argmax:rm", winner: "2" });
    const byJudge = argmaxByScore({ scorer: "judge" })(pool, {
      answerFormat: plain,
      tracer,
      rng: seededRng(0),
    });
    expect(byJudge.best?.id).toBe("a");
  });

  it("tallies each answer's best score, whichever of its candidates came first", () => {
    const tracer = createTracer(manualClock());
    const pool = [
      candidate("a", "1", { rm: 0.9 }),
      candidate("b", "1", { rm: 0.2 }),
      candidate("c", "2", { rm: 0.1 }),
      candidate("d", "2", { rm: 0.6 }),
    ];
    const result = argmaxByScore({ scorer: "rm" })(pool, { answerFormat: plain, tracer, rng: seededRng(0) });
    expect(result.tally).toEqual({ "1": 0.9, "2": 0.6 });
    expect(tracer.events()[0]).toMatchObject({ type: "vote", tally: { "1": 0.9, "2": 0.6 }, winner: "1" });
  });

  it("falls back to unanswered candidates only when no scored one has an answer", () => {
    const tracer = createTracer(manualClock());
    const pool = [
      candidate("a", undefined, { rm: 0.1 }),
      candidate("b", undefined, { rm: 0.7 }),
      candidate("c", "9", {}),
    ];
    const result = argmaxByScore()(pool, { answerFormat: plain, tracer, rng: seededRng(0) });
    expect(result.best?.id).toBe("b");
    expect(result.answer).toBeUndefined();
    expect(argmaxByScore()([], { answerFormat: plain, tracer, rng: seededRng(0) }).best).toBeUndefined();
  });

  it("passes over a NaN score, even on the first candidate", () => {
    const tracer = createTracer(manualClock());
    const pool = [candidate("a", "1", { rm: Number.NaN }), candidate("b", "2", { rm: 0.9 })];
    const result = argmaxByScore({ scorer: "rm" })(pool, { answerFormat: plain, tracer, rng: seededRng(0) });
    expect(result.best?.id).toBe("b");
    expect(result.tally).toEqual({ "2": 0.9 });
  });
});
