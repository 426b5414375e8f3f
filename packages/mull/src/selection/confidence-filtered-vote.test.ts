import { describe, expect, it } from "vitest";
import { exactAnswerFormat } from "../answers/index.ts";
import { manualClock, seededRng } from "../runtime/index.ts";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import type { Candidate } from "../spec/index.ts";
import { createTracer } from "../trace/index.ts";
import { confidenceFilteredVote } from "./confidence-filtered-vote.ts";
import { majorityVote } from "./majority-vote.ts";
import type { SelectionContext } from "./selector.ts";

function context(): SelectionContext {
  return { answerFormat: exactAnswerFormat, tracer: createTracer(manualClock()), rng: seededRng(0) };
}

function candidate(index: number, answer: string | undefined, confidence?: number): Candidate {
  return {
    id: `c${index}`,
    text: "",
    answer,
    finishReason: "stop",
    completionTokens: 3,
    scores: confidence === undefined ? [] : [{ scorer: "deepconf", kind: "confidence", value: confidence }],
  };
}

describe("confidenceFilteredVote", () => {
  it("keeps exactly the most confident η% (rounded, at least one) and weighs their votes", () => {
    const pool = [
      candidate(0, "A", 1),
      candidate(1, "B", 9),
      candidate(2, "A", 2),
      candidate(3, "A", 3),
      candidate(4, "C", 8),
      candidate(5, "B", 4),
      candidate(6, "A", 5),
      candidate(7, "A", 6),
      candidate(8, "C", 7),
      candidate(9, "A", 1.5),
    ];
    // 90% of 10: all but the least confident (A at 1).
    const high = confidenceFilteredVote({ scorer: "deepconf", keepPercent: 90 })(pool, context());
    expect(high.tally).toEqual({ A: 17.5, B: 13, C: 15 });
    expect(high.answer).toBe("A");
    // 10% of 10: the single most confident trace.
    const low = confidenceFilteredVote({ scorer: "deepconf", keepPercent: 10 })(pool, context());
    expect(low.tally).toEqual({ B: 9 });
    expect(low.answer).toBe("B");
    // 50%: the five most confident, B 9, C 8 + 7, A 6 + 5 — C wins.
    const half = confidenceFilteredVote({ scorer: "deepconf", keepPercent: 50 })(pool, context());
    expect(half.tally).toEqual({ B: 9, C: 15, A: 11 });
    expect(half.answer).toBe("C");
    // 90% of 8 is 7.2: seven vote.
    const eight = confidenceFilteredVote({ scorer: "deepconf", keepPercent: 90 })(
      pool.slice(0, 8),
      context(),
    );
    expect(Object.values(eight.tally).reduce((sum, value) => sum + value, 0)).toBe(37);
  });

  it("weighs by confidence: a confident minority beats a hesitant majority", () => {
    const pool = [candidate(0, "A", 1), candidate(1, "A", 1), candidate(2, "B", 3), candidate(3, "A", 0.5)];
    const result = confidenceFilteredVote({ scorer: "deepconf", keepPercent: 100 })(pool, context());
    expect(result.answer).toBe("B");
    expect(result.tally).toEqual({ A: 2.5, B: 3 });
  });

  it("leaves out candidates without an answer or a confidence, and keeps those tied with the last kept", () => {
    const pool = [
      candidate(0, undefined, 50),
      candidate(1, "A"),
      candidate(2, "B", 2),
      candidate(3, "C", 2),
      candidate(4, "D", 1),
    ];
    // Three can vote; a third of them is one, and the one as confident as it votes too.
    const result = confidenceFilteredVote({ scorer: "deepconf", keepPercent: 100 / 3 })(pool, context());
    expect(result.tally).toEqual({ B: 2, C: 2 });
    expect(result.answer).toBe("B");
  });

  it("with every trace equally confident equals a majority vote", () => {
    const answers = ["1", "2", "2", "3", "2", "1", "1", "2"];
    const pool = answers.map((answer, index) => candidate(index, answer, 2.5));
    const result = confidenceFilteredVote({ scorer: "deepconf", keepPercent: 100 })(pool, context());
    const majority = majorityVote()(pool, context());
    expect(result.answer).toBe(majority.answer);
    expect(result.answer).toBe("2");
  });

  it("names its options object and a percent out of range when called from plain JavaScript without them", () => {
    const untyped = confidenceFilteredVote as (...given: unknown[]) => unknown;
    const nothing = thrownConfigError(() => untyped());
    expect(nothing.message).toBe(
      "confidenceFilteredVote: expected an options object { scorer, keepPercent, … }; got undefined",
    );
    expect(nothing.field).toBe("options");
    const malformed = thrownConfigError(() => untyped({ scorer: "conf", keepPercent: 0 }));
    expect(malformed.message).toBe(
      "confidenceFilteredVote: keepPercent must be a number > 0 and ≤ 100, got 0",
    );
    expect(malformed.field).toBe("keepPercent");
  });
});
