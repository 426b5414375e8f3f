import { describe, expect, it } from "vitest";
import type { GenerationResult } from "../spec/index.ts";
import { testStrategyContext } from "../testing/index.ts";
import { recordUnstartedCall } from "./record-unstarted-call.ts";

const unstarted: GenerationResult = {
  completions: [],
  usage: { promptTokens: 6, completionTokens: 0, calls: 1 },
  model: "lab-small",
};

describe("recordUnstartedCall", () => {
  it("records a charged call without completions as one empty generation cut by an abort, with its usage", () => {
    const { tracer } = testStrategyContext();
    recordUnstartedCall(tracer, unstarted, { parentId: "run", step: 2 });
    expect(tracer.events()).toMatchObject([
      {
        type: "generation",
        parentId: "run",
        text: "",
        finishReason: "abort",
        completionTokens: 0,
        model: "lab-small",
        step: 2,
        usage: unstarted.usage,
      },
    ]);
  });

  it("records no step where none is given", () => {
    const { tracer } = testStrategyContext();
    recordUnstartedCall(tracer, unstarted, { parentId: undefined });
    expect(tracer.events()[0]).not.toHaveProperty("step");
  });

  it("records nothing for a call with completions, or one that charged no call", () => {
    const { tracer } = testStrategyContext();
    const answered = {
      ...unstarted,
      completions: [{ index: 0, text: "#### 4", finishReason: "stop", completionTokens: 2 }],
    } satisfies GenerationResult;
    recordUnstartedCall(tracer, answered, { parentId: undefined });
    recordUnstartedCall(
      tracer,
      { ...unstarted, usage: { ...unstarted.usage, calls: 0 } },
      { parentId: undefined },
    );
    expect(tracer.events()).toEqual([]);
  });
});
