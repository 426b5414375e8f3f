import { z } from "zod";
import { objectWithMethods, parseOptions } from "../runtime/index.ts";
import type { Clock, TraceEvent, TraceEventInput, Tracer } from "../spec/index.ts";

/** The tracer's one argument. */
const tracerArguments = z.object({
  clock: objectWithMethods<Clock>({ expected: "a clock", noun: "clock", methods: ["now"] }),
});

/**
 * A tracer that numbers events `n1`, `n2`, … in the order they are recorded and times them in
 * milliseconds since the tracer was created, on the run's clock.
 *
 * @throws ConfigError `createTracer: clock: missing; expected a clock (an object with a now method)`.
 * @example
 * const tracer = createTracer(systemClock());
 * const runId = tracer.record({ type: "note", parentId: undefined, message: "started" });
 */
export function createTracer(clock: Clock): Tracer {
  parseOptions(tracerArguments, { clock }, "createTracer");
  const start = clock.now();
  const recorded: TraceEvent[] = [];
  return {
    record(event: TraceEventInput): string {
      const id = `n${recorded.length + 1}`;
      recorded.push({ ...event, id, time: clock.now() - start } as TraceEvent);
      return id;
    },
    events: () => recorded.slice(),
  };
}
