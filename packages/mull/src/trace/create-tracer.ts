import type { Clock, TraceEvent, TraceEventInput, Tracer } from "../spec/index.ts";

/**
 * A tracer that numbers events `n1`, `n2`, … in the order they are recorded and times them in
 * milliseconds since the tracer was created, on the run's clock.
 *
 * @example
 * const tracer = createTracer(systemClock());
 * const runId = tracer.record({ type: "note", parentId: undefined, message: "started" });
 */
export function createTracer(clock: Clock): Tracer {
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
