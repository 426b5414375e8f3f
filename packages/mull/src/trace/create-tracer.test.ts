import { describe, expect, it } from "vitest";
import { manualClock } from "../runtime/index.ts";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
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

  it("names its clock when called from plain JavaScript without them", () => {
    const untyped = createTracer as (...given: unknown[]) => unknown;
    const nothing = thrownConfigError(() => untyped());
    expect(nothing.message).toBe(
      "createTracer: clock: missing; expected a clock (an object with a now method)",
    );
    expect(nothing.field).toBe("clock");
    const malformed = thrownConfigError(() => untyped(Date));
    expect(malformed.message).toBe(
      "createTracer: clock must be a clock (an object with a now method), got the function Date; call it and pass the clock it returns",
    );
    expect(malformed.field).toBe("clock");
  });
});
