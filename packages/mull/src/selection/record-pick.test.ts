import { describe, expect, it } from "vitest";
import { manualClock, seededRng } from "../runtime/index.ts";
import type { AnswerFormat, Candidate } from "../spec/index.ts";
import { createTracer } from "../trace/index.ts";
import { recordPick } from "./record-pick.ts";

const caseless: AnswerFormat = {
  name: "caseless",
  extract: (text) => text,
  key: (answer) => answer.trim().toLowerCase(),
  equivalent: (a, b) => a.trim().toLowerCase() === b.trim().toLowerCase(),
};

function candidate(answer: string | undefined): Candidate {
  return { id: "c1", text: `#### ${answer}`, answer, finishReason: "stop", completionTokens: 3, scores: [] };
}

describe("recordPick", () => {
  it("answers with the chosen candidate, a tally of one for its key, and a vote event naming the method", () => {
    const tracer = createTracer(manualClock());
    const context = { answerFormat: caseless, tracer, rng: seededRng(1), parentId: "run" };
    const chosen = candidate(" Yes");
    const result = recordPick(chosen, "first", context);
    expect(result).toMatchObject({ answer: " Yes", key: "yes", best: chosen, tally: { yes: 1 } });
    expect(tracer.events().at(-1)).toMatchObject({
      id: result.eventId,
      type: "vote",
      parentId: "run",
      method: "first",
      tally: { yes: 1 },
      winner: "yes",
    });
  });

  it("records an empty tally when nothing, or a candidate without an answer, was chosen", () => {
    const tracer = createTracer(manualClock());
    const context = { answerFormat: caseless, tracer, rng: seededRng(1) };
    expect(recordPick(undefined, "accept:checker", context)).toMatchObject({
      answer: undefined,
      key: undefined,
      tally: {},
    });
    const answerless = candidate(undefined);
    expect(recordPick(answerless, "first", context)).toMatchObject({
      best: answerless,
      key: undefined,
      tally: {},
    });
    expect(tracer.events().map((event) => event.type)).toEqual(["vote", "vote"]);
  });
});
