import { describe, expect, it } from "vitest";
import { BackendCallError } from "../errors/index.ts";
import type { GenerationResult, NoteEvent, TraceEvent } from "../spec/index.ts";
import { createScriptedBackend, testStrategyContext } from "../testing/index.ts";
import { chargeCall } from "./charge-call.ts";

function notes(events: readonly TraceEvent[]): string[] {
  return events.filter((event): event is NoteEvent => event.type === "note").map((event) => event.message);
}

const answered: GenerationResult = {
  completions: [{ index: 0, text: "#### 4", finishReason: "stop", completionTokens: 2 }],
  usage: { promptTokens: 6, completionTokens: 2, calls: 1 },
  model: "scripted",
};

const unreported: GenerationResult = {
  ...answered,
  usage: { promptTokens: undefined, completionTokens: undefined, calls: 1 },
};

describe("chargeCall", () => {
  it("charges the call's usage to the budget, and notes nothing when every count is known", () => {
    const context = testStrategyContext({ limits: { maxTotalTokens: 100 } });
    chargeCall(context, {
      result: answered,
      n: 1,
      aborted: false,
      parentId: "run",
      noteUnreportedTokens: true,
    });
    expect(context.budget.spent().usage).toEqual(answered.usage);
    expect(notes(context.tracer.events())).toEqual([]);
  });

  it("notes, when asked, that a backend reporting no tokens leaves the token limits unenforced", () => {
    const limited = testStrategyContext({ limits: { maxCompletionTokens: 100 } });
    chargeCall(limited, {
      result: unreported,
      n: 1,
      aborted: false,
      parentId: "run",
      noteUnreportedTokens: true,
    });
    expect(notes(limited.tracer.events())).toEqual([
      "scripted backend does not report token counts: token limits cannot be enforced",
    ]);
    expect(limited.tracer.events()[0]?.parentId).toBe("run");
    // Not asked, or no token limit: said nothing.
    const unasked = testStrategyContext({ limits: { maxCompletionTokens: 100 } });
    chargeCall(unasked, { result: unreported, n: 1, aborted: false, parentId: undefined });
    const unlimited = testStrategyContext({ limits: { maxCalls: 4 } });
    chargeCall(unlimited, {
      result: unreported,
      n: 1,
      aborted: false,
      parentId: undefined,
      noteUnreportedTokens: true,
    });
    expect([...notes(unasked.tracer.events()), ...notes(unlimited.tracer.events())]).toEqual([]);
  });

  it("notes that the run's token counts are unknown when an aborted call could not tell its tokens", () => {
    const context = testStrategyContext({ signal: AbortSignal.abort() });
    chargeCall(context, { result: unreported, n: 1, aborted: true, parentId: undefined });
    expect(context.budget.spent().usage.calls).toBe(1);
    expect(notes(context.tracer.events())).toEqual([
      "scripted backend could not tell every token of a call cut by abort: the run's token counts are unknown",
    ]);
  });

  it("charges, then refuses, a call the run did not abort that returned no completions", () => {
    const context = testStrategyContext({ backend: createScriptedBackend({ responses: ["ok"] }) });
    const empty = { ...answered, completions: [] };
    expect(() => chargeCall(context, { result: empty, n: 3, aborted: false, parentId: undefined })).toThrow(
      new BackendCallError("scripted backend returned no completions for n=3"),
    );
    expect(context.budget.spent().usage).toEqual(answered.usage);
    // Aborted, an empty result is what the call had done: charged, not refused.
    const aborted = testStrategyContext();
    chargeCall(aborted, { result: empty, n: 3, aborted: true, parentId: undefined });
    expect(aborted.budget.spent().usage.calls).toBe(1);
  });

  it("refuses a usage without calls before charging it", () => {
    const context = testStrategyContext();
    const noCalls = { ...answered, usage: { ...answered.usage, calls: undefined as unknown as number } };
    expect(() => chargeCall(context, { result: noCalls, n: 1, aborted: false, parentId: undefined })).toThrow(
      /^scripted backend \(model scripted\) returned usage without calls/,
    );
    expect(context.budget.spent().usage.calls).toBe(0);
  });
});
