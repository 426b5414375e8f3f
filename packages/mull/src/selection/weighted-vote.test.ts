import { describe, expect, it } from "vitest";
import { manualClock, seededRng } from "../runtime/index.ts";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import type { AnswerFormat, Candidate } from "../spec/index.ts";
import { createTracer } from "../trace/index.ts";
import { probabilityWeight } from "./probability-weight.ts";
import { scoreWeight } from "./score-weight.ts";
import type { SelectionContext } from "./selector.ts";
import { weightedVote } from "./weighted-vote.ts";

const plain: AnswerFormat = {
  name: "plain",
  extract: (text) => text,
  key: (a) => a,
  equivalent: (a, b) => a === b,
};

function context(): SelectionContext {
  return { answerFormat: plain, tracer: createTracer(manualClock()), rng: seededRng(0) };
}

function candidate(index: number, answer: string | undefined, extra: Partial<Candidate> = {}): Candidate {
  return {
    id: `c${index}`,
    text: "",
    answer,
    finishReason: "stop",
    completionTokens: 3,
    scores: [],
    ...extra,
  };
}

describe("weightedVote", () => {
  it("by probability prefers the answer with more probability mass over the more frequent one", () => {
    const pool = [
      candidate(0, "B", { logprob: -6, meanLogprob: -2 }),
      candidate(1, "A", { logprob: -0.2, meanLogprob: -0.1 }),
      candidate(2, "B", { logprob: -5, meanLogprob: -1.7 }),
      candidate(3, "B", { logprob: -7, meanLogprob: -2.3 }),
      candidate(4, "A", { logprob: -0.4, meanLogprob: -0.2 }),
    ];
    const run = context();
    const result = weightedVote({ weight: probabilityWeight() })(pool, run);
    expect(result.key).toBe("A");
    const massA = Math.exp(-0.2) + Math.exp(-0.4);
    const massB = Math.exp(-6) + Math.exp(-5) + Math.exp(-7);
    expect(result.tally.A).toBeCloseTo(massA / (massA + massB), 12);
    expect(result.tally.B).toBeCloseTo(massB / (massA + massB), 12);
    // The representative is the most probable member of the group.
    expect(result.best?.id).toBe("c1");
    expect(run.tracer.events()[0]).toMatchObject({
      type: "vote",
      method: "weighted:probability",
      winner: "A",
    });
  });

  it("sums log-probabilities far below the float range without underflow", () => {
    const pool = [
      candidate(0, "A", { logprob: -2000 }),
      candidate(1, "B", { logprob: -2001 }),
      candidate(2, "B", { logprob: -2001 }),
      candidate(3, "B", { logprob: -2001 }),
    ];
    // A: e^-2000; B: 3·e^-2001 ≈ 1.10·e^-2000.
    expect(weightedVote({ weight: probabilityWeight() })(pool, context()).key).toBe("B");
    const onlyA = weightedVote({ weight: probabilityWeight({ normalize: "mean" }) })(pool, context());
    expect(onlyA.key).toBeUndefined();
  });

  it("by score sums the scores per answer; unscored candidates do not vote", () => {
    const scored = (value: number) => [{ scorer: "rm", kind: "outcome" as const, value }];
    const pool = [
      candidate(0, "A", { scores: scored(0.9) }),
      candidate(1, "B", { scores: scored(0.4) }),
      candidate(2, "B", { scores: scored(0.4) }),
      candidate(3, "B"),
      candidate(4, "B"),
      candidate(5, undefined, { scores: scored(5) }),
    ];
    const result = weightedVote({ weight: scoreWeight() })(pool, context());
    expect(result.tally).toEqual({ A: 0.9, B: 0.8 });
    expect(result.key).toBe("A");
    const other = weightedVote({ weight: scoreWeight({ scorer: "judge" }) })(pool, context());
    expect(other.key).toBeUndefined();
  });

  it("leaves a candidate whose weight is NaN out of the vote, so one bad weight does not spoil the totals", () => {
    const given = new Map([
      ["c0", 1],
      ["c1", Number.NaN],
      ["c2", 0.5],
    ]);
    const weight = { name: "given", scale: "linear" as const, of: (entry: Candidate) => given.get(entry.id) };
    const pool = [candidate(0, "A"), candidate(1, "B"), candidate(2, "B")];
    const result = weightedVote({ weight })(pool, context());
    // A: 1; B: 0.5 (the NaN weight does not vote).
    expect(result.tally).toEqual({ A: 1, B: 0.5 });
    expect(result.key).toBe("A");
  });

  it("tallies 0 per answer, not NaN, when every log-scale weight is -Infinity", () => {
    const weight = { name: "never", scale: "log" as const, of: () => Number.NEGATIVE_INFINITY };
    const result = weightedVote({ weight })([candidate(0, "A"), candidate(1, "B")], context());
    expect(result.tally).toEqual({ A: 0, B: 0 });
  });

  it("breaks exact ties in favour of the answer that appeared first", () => {
    const scored = (value: number) => [{ scorer: "rm", kind: "outcome" as const, value }];
    const pool = [candidate(0, "B", { scores: scored(0.5) }), candidate(1, "A", { scores: scored(0.5) })];
    expect(weightedVote({ weight: scoreWeight() })(pool, context()).key).toBe("B");
  });

  it("names its options object and its weight when called from plain JavaScript without them", () => {
    const untyped = weightedVote as (...given: unknown[]) => unknown;
    const nothing = thrownConfigError(() => untyped());
    expect(nothing.message).toBe("weightedVote: expected an options object { weight, … }; got undefined");
    expect(nothing.field).toBe("options");
    const malformed = thrownConfigError(() => untyped({}));
    expect(malformed.message).toBe(
      "weightedVote: weight: missing; expected a candidate weight (an object with an of method)",
    );
    expect(malformed.field).toBe("weight");
  });
});
