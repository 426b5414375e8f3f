import { describe, expect, it } from "vitest";
import type { Backend, GenerationRequest } from "../spec/index.ts";
import { createScriptedBackend, testStrategyContext } from "../testing/index.ts";
import { judgeCalls } from "./judge-calls.ts";

const requests: GenerationRequest[] = ["one", "two", "three", "four"].map((text) => ({
  prompt: { kind: "text", text: `judge ${text}` },
  n: 1,
  maxTokens: 8,
}));

/** Four judge calls, `concurrency` at once, under `maxScoreCalls` (and no token limit). */
async function judgeFour(concurrency: number, maxScoreCalls: number) {
  const scripted = createScriptedBackend({ responses: ["YES"], delayMilliseconds: 5 });
  let made = 0;
  let inFlight = 0;
  let mostInFlight = 0;
  const backend: Backend = {
    ...scripted,
    async generate(request, options) {
      made += 1;
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      try {
        return await scripted.generate(request, options);
      } finally {
        inFlight -= 1;
      }
    },
  };
  const context = testStrategyContext({ limits: { maxScoreCalls }, parentId: "run" });
  const result = await judgeCalls({
    requests,
    backend,
    concurrency,
    scorer: "judge",
    parentIds: requests.map(() => "run"),
    unjudged: { one: "this one is left unjudged", many: "those are left unjudged" },
    context,
  });
  return { result, context, made, mostInFlight };
}

describe("judgeCalls", () => {
  it("runs calls at once only when the scorer calls left afford them all", async () => {
    const { result, context, made, mostInFlight } = await judgeFour(4, 2);
    expect(made).toBe(2);
    expect(mostInFlight).toBe(1);
    expect(result).toMatchObject({ calls: 2, stoppedBy: "score-calls" });
    expect(result.replies).toEqual(["YES", "YES", undefined, undefined]);
    expect(context.budget.spent().scoreCalls).toBe(2);
    const notes = context.tracer.events().flatMap((event) => (event.type === "note" ? [event.message] : []));
    expect(notes).toEqual([
      "judge: 2 of 4 judge calls not made: the budget's score-calls limit could not afford them; those are left unjudged",
    ]);
  });

  it("makes every call, at once, when the scorer calls left afford them", async () => {
    const { result, made, mostInFlight } = await judgeFour(4, 4);
    expect(made).toBe(4);
    expect(mostInFlight).toBe(4);
    expect(result).toMatchObject({ calls: 4, stoppedBy: "complete" });
    expect(result.replies).toEqual(["YES", "YES", "YES", "YES"]);
  });
});
