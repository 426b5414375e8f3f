import { describe, expect, it } from "vitest";
import { manualClock } from "../runtime/index.ts";
import { createTracer } from "./create-tracer.ts";

describe("createTracer", () => {
  it("numbers events in order and times them from its creation", () => {
    const clock = manualClock(500);
    const tracer = createTracer(clock);
    clock.advance(3);
    const run = tracer.record({
      type: "run-start",
      parentId: undefined,
      strategy: "sc@2",
      parameters: { n: 2 },
      question: "q",
    });
    clock.advance(10);
    const note = tracer.record({ type: "note", parentId: run, message: "hello" });
    expect([run, note]).toEqual(["n1", "n2"]);
    const events = tracer.events();
    expect(events.map((event) => event.time)).toEqual([3, 13]);
    expect(events[1]).toMatchObject({ id: "n2", parentId: "n1", type: "note", message: "hello" });
    // A snapshot: later events do not change it.
    tracer.record({ type: "note", parentId: run, message: "later" });
    expect(events).toHaveLength(2);
    expect(tracer.events()).toHaveLength(3);
  });
});
