import { describe, expect, it } from "vitest";
import type { Candidate, FinishReason } from "../spec/index.ts";
import { testStrategyContext } from "../testing/test-strategy-context.ts";
import { onlineVote } from "./online-vote.ts";

function candidate(id: string, answer: string, finishReason: FinishReason = "stop"): Candidate {
  return { id, text: `#### ${answer}`, answer, finishReason, completionTokens: 2, scores: [] };
}

describe("onlineVote", () => {
  it("without voters, votes by majority over the traces that were not cut, with a note", () => {
    const context = testStrategyContext();
    const all = [candidate("a", "1", "cut"), candidate("b", "1", "cut"), candidate("c", "2")];
    const result = onlineVote("dc", "deepconf:lowest-group", [], all, context);
    expect(result.answer).toBe("2");
    const notes = context.tracer.events().filter((event) => event.type === "note");
    expect(notes.map((event) => event.message)).toEqual([
      "dc: no trace could vote by confidence; falling back to a majority vote",
    ]);
  });

  it("without voters, votes over every trace when all of them were cut", () => {
    const all = [candidate("a", "1", "cut"), candidate("b", "2", "cut"), candidate("c", "2", "cut")];
    expect(onlineVote("dc", "deepconf:lowest-group", [], all, testStrategyContext()).answer).toBe("2");
  });
});
