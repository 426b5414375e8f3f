import { describe, expect, it } from "vitest";
import { exactAnswerFormat } from "../answers/index.ts";
import { manualClock, seededRng } from "../runtime/index.ts";
import type { Candidate } from "../spec/index.ts";
import { createTracer } from "../trace/index.ts";
import { majorityVote } from "./majority-vote.ts";
import { perplexityConsistencyVote } from "./perplexity-consistency-vote.ts";
import type { SelectionContext } from "./selector.ts";

function context(): SelectionContext {
  return { answerFormat: exactAnswerFormat, tracer: createTracer(manualClock()), rng: seededRng(0) };
}

/** A path whose mean token probability is `probability`. */
function path(text: string, answer: string | undefined, probability: number): Candidate {
  const meanLogprob = Math.log(probability);
  return {
    id: text,
    text,
    answer,
    finishReason: "stop",
    completionTokens: 4,
    scores: [],
    logprob: 4 * meanLogprob,
    meanLogprob,
  };
}

describe("perplexityConsistencyVote", () => {
  it("counts a repeated path once", () => {
    const pool = [
      path("fast 7", "7", 0.9),
      path("fast 7", "7", 0.9),
      path("slow 8", "8", 0.85),
      path("other 8", "8", 0.8),
    ];
    const run = context();
    const result = perplexityConsistencyVote({ prune: false })(pool, run);
    // Distinct paths: 7 has 0.9, 8 has 0.85 + 0.8; counting the repeat would give 7 1.8.
    expect(result.key).toBe("8");
    expect(result.tally["7"]).toBeCloseTo(0.9 / (0.9 + 0.85 + 0.8), 12);
    expect(result.best?.text).toBe("slow 8");
    expect(run.tracer.events()).toMatchObject([
      { type: "note", message: "perplexity consistency: pruned 0 of 4 paths; 1 repeated paths counted once" },
      { type: "vote", method: "weighted:perplexity-consistency", winner: "8" },
    ]);
  });

  it("prunes a very unlikely path that would otherwise tip the vote", () => {
    const pool = [
      path("a1", "A", 0.6),
      path("a2", "A", 0.6),
      path("b1", "B", 0.7),
      path("b2", "B", 0.45),
      path("b3", "B", 0.1),
    ];
    // Unpruned: A 1.2 against B 1.25.
    expect(perplexityConsistencyVote({ prune: false })(pool, context()).key).toBe("B");
    const result = perplexityConsistencyVote()(pool, context());
    expect(result.key).toBe("A");
    expect(result.tally.B).toBeCloseTo(1.15 / 2.35, 12);
  });

  it("with every path equally likely is a majority vote over distinct paths", () => {
    const pool = [
      path("x", "1", 0.5),
      path("x", "1", 0.5),
      path("x", "1", 0.5),
      path("y", "2", 0.5),
      path("z", "2", 0.5),
      path("w", "3", 0.5),
    ];
    const distinct = [pool[0]!, pool[3]!, pool[4]!, pool[5]!];
    const result = perplexityConsistencyVote()(pool, context());
    expect(result.key).toBe(majorityVote()(distinct, context()).key);
    expect(result.key).toBe("2");
    expect(result.tally).toEqual({ "1": 0.25, "2": 0.5, "3": 0.25 });
  });

  it("leaves out candidates without an answer or log-probabilities", () => {
    const pool = [
      path("none", undefined, 0.99),
      { ...path("unweighed", "5", 0.9), meanLogprob: undefined },
      path("six", "6", 0.2),
    ];
    const result = perplexityConsistencyVote()(pool, context());
    expect(result.key).toBe("6");
    expect(result.tally).toEqual({ "6": 1 });
  });
});
