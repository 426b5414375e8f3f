import { describe, expect, it } from "vitest";
import { BackendCallError } from "../errors/index.ts";
import { manualClock } from "../runtime/index.ts";
import { createTracer } from "../trace/index.ts";
import { isLostSamplesNote, lostSamples, lostSamplesNote } from "./lost-samples.ts";

const failure = new BackendCallError("upstream 503 after retries", { status: 503 });

function notedContext() {
  const tracer = createTracer(manualClock());
  return {
    context: { tracer, parentId: "n0" },
    notes: () => tracer.events().flatMap((event) => (event.type === "note" ? [event] : [])),
  };
}

describe("lostSamples", () => {
  it("is undefined and notes nothing when no sample failed", () => {
    const { context, notes } = notedContext();
    const settled = [{ status: "fulfilled", value: 1 } as const];
    expect(lostSamples({ owner: "force@1x8", settled, finished: 1, context })).toBeUndefined();
    expect(notes()).toEqual([]);
  });

  it("stops by samples-lost with a note naming the failure when others finished", () => {
    const { context, notes } = notedContext();
    const settled = [
      { status: "fulfilled", value: 1 },
      { status: "rejected", reason: failure },
      { status: "fulfilled", value: 2 },
      { status: "rejected", reason: "socket closed" },
    ] as const;
    expect(lostSamples({ owner: "pasc@4", settled, finished: 2, context })).toBe("samples-lost");
    expect(notes()).toEqual([
      expect.objectContaining({
        parentId: "n0",
        message:
          "pasc@4: 2 of 4 traces failed (first: BackendCallError: upstream 503 after retries); the vote is over the 2 that finished",
      }),
    ]);
  });

  it("throws the first failure when none finished, and notes nothing", () => {
    const { context, notes } = notedContext();
    const later = new Error("later");
    // A sample that ended with nothing to vote on (cut by the budget) is no finished one.
    const settled = [
      { status: "fulfilled", value: undefined },
      { status: "rejected", reason: failure },
      { status: "rejected", reason: later },
    ] as const;
    expect(() => lostSamples({ owner: "force@3x8", settled, finished: 0, context })).toThrow(failure);
    expect(notes()).toEqual([]);
  });
});

describe("lostSamplesNote", () => {
  it("names the failed, the started, the first failure and the finished, in words isLostSamplesNote knows", () => {
    const note = lostSamplesNote({
      owner: "sc@8",
      failed: 3,
      started: 8,
      finished: 4,
      firstFailure: failure,
    });
    expect(note).toBe(
      "sc@8: 3 of 8 traces failed (first: BackendCallError: upstream 503 after retries); the vote is over the 4 that finished",
    );
    expect(isLostSamplesNote(note)).toBe(true);
    const valued = lostSamplesNote({
      owner: "pasc@2",
      failed: 1,
      started: 2,
      finished: 1,
      firstFailure: 503,
    });
    expect(valued).toBe("pasc@2: 1 of 2 traces failed (first: 503); the vote is over the 1 that finished");
    expect(isLostSamplesNote(valued)).toBe(true);
    expect(isLostSamplesNote("sc@8: the vote is over 4 samples")).toBe(false);
  });
});
