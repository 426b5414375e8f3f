import { describe, expect, it } from "vitest";
import { manualClock, seededRng } from "../runtime/index.ts";
import type { AnswerFormat, Candidate } from "../spec/index.ts";
import { createTracer } from "../trace/index.ts";
import { majorityVote } from "./majority-vote.ts";
import type { SelectionContext } from "./selector.ts";

const caseless: AnswerFormat = {
  name: "caseless",
  extract: (text) => text,
  key: (answer) => answer.trim().toLowerCase(),
  equivalent: (a, b) => a.trim().toLowerCase() === b.trim().toLowerCase(),
};

function context(seed = 0): SelectionContext {
  return {
    answerFormat: caseless,
    tracer: createTracer(manualClock()),
    rng: seededRng(seed),
    parentId: "run",
  };
}

function candidates(
  answers: readonly (string | undefined)[],
  scores: readonly (number | undefined)[] = [],
): Candidate[] {
  return answers.map((answer, index) => ({
    id: `c${index}`,
    text: `text ${index}`,
    answer,
    finishReason: "stop",
    completionTokens: 1,
    scores: scores[index] === undefined ? [] : [{ scorer: "s", kind: "outcome", value: scores[index]! }],
  }));
}

describe("majorityVote", () => {
  it("counts answers by key, and candidates without an answer do not vote", () => {
    const run = context();
    const result = majorityVote()(
      candidates(["B", "a", undefined, "A ", undefined, undefined, "b", "A"]),
      run,
    );
    expect(result.tally).toEqual({ b: 2, a: 3 });
    expect(result.key).toBe("a");
    expect(result.answer).toBe("a");
    expect(result.best?.id).toBe("c1");
    expect(run.tracer.events()).toEqual([
      expect.objectContaining({
        type: "vote",
        parentId: "run",
        method: "majority",
        tally: { b: 2, a: 3 },
        winner: "a",
      }),
    ]);
    expect(result.eventId).toBe("n1");
  });

  it("breaks ties in favour of the answer that appeared first", () => {
    expect(majorityVote()(candidates(["x", "y", "y", "x"]), context()).key).toBe("x");
    expect(majorityVote()(candidates(["y", "x", "x", "y"]), context()).key).toBe("y");
    expect(majorityVote()(candidates([undefined, "z", "y", "y", "z"]), context()).key).toBe("z");
  });

  it("with random tie-breaks draws among the tied answers from the run's rng", () => {
    const tied = candidates(["x", "y", "z", "w", "w", "z", "y", "x"]);
    const winners = new Set(
      Array.from({ length: 40 }, (_, seed) => majorityVote({ tieBreak: "random" })(tied, context(seed)).key),
    );
    expect(winners).toEqual(new Set(["x", "y", "z", "w"]));
    const again = majorityVote({ tieBreak: "random" })(tied, context(7)).key;
    expect(majorityVote({ tieBreak: "random" })(tied, context(7)).key).toBe(again);
    // No tie: no draw.
    expect(majorityVote({ tieBreak: "random" })(candidates(["x", "y", "y"]), context(3)).key).toBe("y");
  });

  it("picks the best-scored member of the winning group as its representative", () => {
    const result = majorityVote()(candidates(["A", "b", "a", "a"], [0.2, 0.99, 0.7, 0.5]), context());
    expect(result.best?.id).toBe("c2");
  });

  it("returns no answer when nobody voted", () => {
    const result = majorityVote()(candidates([undefined, undefined]), context());
    expect(result).toMatchObject({ answer: undefined, key: undefined, best: undefined, tally: {} });
  });
});
