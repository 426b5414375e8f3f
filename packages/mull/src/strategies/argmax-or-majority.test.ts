import { describe, expect, it } from "vitest";
import type { Candidate } from "../spec/index.ts";
import { testStrategyContext } from "../testing/test-strategy-context.ts";
import { argmaxOrMajority, someScoredBy } from "./argmax-or-majority.ts";

function candidate(id: string, answer: string, score?: number): Candidate {
  return {
    id,
    text: `#### ${answer}`,
    answer,
    finishReason: "stop",
    completionTokens: 2,
    scores: score === undefined ? [] : [{ scorer: "checker", kind: "outcome", value: score }],
  };
}

const note = "test: no candidate was scored; falling back to a majority vote";

describe("argmaxOrMajority", () => {
  it("picks the highest-scored candidate, leaving the unscored out while any was scored", () => {
    const context = testStrategyContext();
    const pool = [
      candidate("a", "41"),
      candidate("b", "41"),
      candidate("c", "42", 0.2),
      candidate("d", "43", 0.9),
    ];
    const result = argmaxOrMajority({ scorer: "checker", note })(pool, context);
    expect(result).toMatchObject({ answer: "43", best: { id: "d" } });
    expect(context.tracer.events().some((event) => event.type === "note")).toBe(false);
  });

  it("lets every candidate vote when none was scored, and says so in the trace", () => {
    const context = testStrategyContext();
    const pool = [candidate("a", "41"), candidate("b", "42"), candidate("c", "42")];
    const result = argmaxOrMajority({ scorer: "checker", note })(pool, context);
    expect(result.answer).toBe("42");
    const events = context.tracer.events();
    expect(events.flatMap((event) => (event.type === "note" ? [event.message] : []))).toEqual([note]);
    expect(events.find((event) => event.type === "vote")).toMatchObject({ method: "majority", winner: "42" });
  });

  it("without a note falls back the same way and records none, leaving it to the strategy's selectionNote", () => {
    const context = testStrategyContext();
    const pool = [candidate("a", "41"), candidate("b", "42"), candidate("c", "42")];
    expect(argmaxOrMajority({ scorer: "checker" })(pool, context).answer).toBe("42");
    expect(context.tracer.events().some((event) => event.type === "note")).toBe(false);
    expect(someScoredBy("checker")(pool)).toBe(false);
    expect(someScoredBy("checker")([...pool, candidate("d", "43", 0)])).toBe(true);
    expect(someScoredBy("judge")([candidate("d", "43", 0)])).toBe(false);
  });
});
