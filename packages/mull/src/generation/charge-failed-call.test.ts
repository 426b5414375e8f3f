import { describe, expect, it } from "vitest";
import { BackendCallError, MullError } from "../errors/index.ts";
import type { GenerationEvent, TraceEvent } from "../spec/index.ts";
import { createScriptedBackend, testStrategyContext } from "../testing/index.ts";
import { chargeFailedCall } from "./charge-failed-call.ts";

function context() {
  return testStrategyContext({ backend: createScriptedBackend({ responses: ["x"] }) });
}

function generations(events: readonly TraceEvent[]): GenerationEvent[] {
  return events.filter((event): event is GenerationEvent => event.type === "generation");
}

describe("chargeFailedCall", () => {
  it("charges the usage a BackendCallError deep in the chain of causes carries, its prompt as counted", () => {
    const run = context();
    const cause = new BackendCallError("stream broke", {
      usage: { promptTokens: undefined, completionTokens: 4, calls: 2 },
    });
    const error = new MullError("sample failed", { cause });
    const charged = chargeFailedCall(run, error, { parentId: "run", countedPromptTokens: 9 });
    // Each of the two requests read its 9-token prompt before it broke.
    expect(charged).toEqual({ promptTokens: 18, completionTokens: 4, calls: 2 });
    expect(run.budget.spent().usage).toEqual(charged);
    expect(generations(run.tracer.events())).toMatchObject([
      {
        parentId: "run",
        text: "",
        finishReason: "unknown",
        completionTokens: 4,
        model: "scripted",
        usage: charged,
      },
    ]);
    const note = run.tracer.events().find((event) => event.type === "note");
    expect(note).toMatchObject({
      parentId: "run",
      message: "scripted backend call failed after generating 4 tokens, charged to the run: sample failed",
    });
  });

  it("charges a request that was made though it reported no token (calls: 1), its prompt as counted", () => {
    const run = context();
    const error = new BackendCallError("reset after the request was sent", {
      usage: { promptTokens: undefined, completionTokens: 0, calls: 1 },
    });
    const charged = chargeFailedCall(run, error, { parentId: "run", countedPromptTokens: 7 });
    expect(charged).toEqual({ promptTokens: 7, completionTokens: 0, calls: 1 });
    expect(run.budget.spent().usage).toEqual(charged);
  });

  it("charges and records nothing where the error tells no usage, one that used nothing, or one that breaks the contract", () => {
    const run = context();
    const failures: unknown[] = [
      new Error("not a backend error"),
      "a string",
      new BackendCallError("refused", { status: 401 }),
      new BackendCallError("nothing sent", { usage: { promptTokens: 0, completionTokens: 0, calls: 0 } }),
      new BackendCallError("bad", { usage: { promptTokens: 3, completionTokens: -1, calls: 1 } }),
    ];
    for (const failure of failures) {
      expect(chargeFailedCall(run, failure, { parentId: undefined })).toBeUndefined();
    }
    expect(run.budget.spent().usage.calls).toBe(0);
    expect(run.tracer.events()).toEqual([]);
  });
});
