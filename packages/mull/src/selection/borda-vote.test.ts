import { describe, expect, it } from "vitest";
import { exactAnswerFormat } from "../answers/index.ts";
import { manualClock, seededRng } from "../runtime/index.ts";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import type { Candidate } from "../spec/index.ts";
import { createTracer } from "../trace/index.ts";
import { bordaVote } from "./borda-vote.ts";
import { majorityVote } from "./majority-vote.ts";
import type { SelectionContext } from "./selector.ts";

function context(): SelectionContext {
  return { answerFormat: exactAnswerFormat, tracer: createTracer(manualClock()), rng: seededRng(0) };
}

function candidate(index: number, answer: string | undefined, certainty?: number): Candidate {
  return {
    id: `c${index}`,
    text: "",
    answer,
    finishReason: "stop",
    completionTokens: 3,
    scores:
      certainty === undefined ? [] : [{ scorer: "self-certainty", kind: "confidence", value: certainty }],
  };
}

const vote = (power: number) => bordaVote({ scorer: "self-certainty", power });

describe("bordaVote", () => {
  const pool = [
    candidate(0, "A", 1),
    candidate(1, "B", 9),
    candidate(2, "A", 5),
    candidate(3, "C", 4),
    candidate(4, "A", 2),
  ];

  it("weighs rank r of N by (N − r + 1)^p", () => {
    // Ranks: B 9 (5), A 5 (4), C 4 (3), A 2 (2), A 1 (1).
    expect(vote(1)(pool, context()).tally).toEqual({ A: 7, B: 5, C: 3 });
    expect(vote(1)(pool, context()).answer).toBe("A");
    // Squared, the most certain trace outweighs the three others: B 25, A 16 + 4 + 1 = 21.
    const squared = vote(2)(pool, context());
    expect(squared.tally).toEqual({ A: 21, B: 25, C: 9 });
    expect(squared.answer).toBe("B");
    // The paper's default p = 0.5: A √4 + √2 + √1 ≈ 4.414 beats B √5 ≈ 2.236.
    const root = vote(0.5)(pool, context());
    expect(root.tally.A).toBeCloseTo(3 + Math.SQRT2, 12);
    expect(root.tally.B).toBeCloseTo(Math.sqrt(5), 12);
    expect(root.answer).toBe("A");
  });

  it("at p = 0 is a majority vote", () => {
    expect(vote(0)(pool, context()).tally).toEqual(majorityVote()(pool, context()).tally);
    expect(vote(0)(pool, context()).answer).toBe("A");
  });

  it("ranks traces without an answer, but they do not vote; traces without a score are not ranked", () => {
    const mixed = [
      candidate(0, undefined, 10),
      candidate(1, "B", 5),
      candidate(2, "A", 1),
      candidate(3, "A"),
    ];
    // N = 3: the answerless trace takes rank 1 (weight 3), B rank 2, A rank 3; the unscored A is out.
    expect(vote(1)(mixed, context()).tally).toEqual({ B: 2, A: 1 });
  });

  it("leaves a trace scored NaN out of the ranking, as if unscored", () => {
    const mixed = [candidate(0, "X", Number.NaN), candidate(1, "Y", 0.9), candidate(2, "Z", 0.1)];
    // N = 2: Y rank 1 (weight 2), Z rank 2 (weight 1); X neither ranks nor votes.
    expect(vote(1)(mixed, context()).tally).toEqual({ Y: 2, Z: 1 });
  });

  it("shares the weights of tied ranks, so sample order does not matter", () => {
    // A and B share ranks 1 and 2 of 3: (3 + 2) / 2 each.
    const tied = [candidate(0, "A", 3), candidate(1, "B", 3), candidate(2, "C", 1)];
    expect(vote(1)(tied, context()).tally).toEqual({ A: 2.5, B: 2.5, C: 1 });
    const swapped = [tied[1]!, tied[0]!, tied[2]!];
    expect(vote(1)(swapped, context()).tally).toEqual({ B: 2.5, A: 2.5, C: 1 });
  });

  it("records its vote with the scorer and power", () => {
    const tracer = createTracer(manualClock());
    vote(0.5)(pool, { ...context(), tracer });
    expect(tracer.events().find((event) => event.type === "vote")).toMatchObject({
      method: "weighted:borda:self-certainty^0.5",
      winner: "A",
    });
  });

  it("names its options object and its power when called from plain JavaScript without them", () => {
    const untyped = bordaVote as (...given: unknown[]) => unknown;
    const nothing = thrownConfigError(() => untyped());
    expect(nothing.message).toBe("bordaVote: expected an options object { scorer, power, … }; got undefined");
    expect(nothing.field).toBe("options");
    const malformed = thrownConfigError(() => untyped({ scorer: "self-certainty" }));
    expect(malformed.message).toBe("bordaVote: power: missing; expected a number");
    expect(malformed.field).toBe("power");
  });
});
