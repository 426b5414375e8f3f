import type { Clock } from "../spec/index.ts";

/** The process's monotonic clock (`performance.now()`). */
export function systemClock(): Clock {
  return { now: () => performance.now() };
}

/** A clock that only moves when told to; for tests. */
export function manualClock(start = 0): Clock & { advance(milliseconds: number): void } {
  let time = start;
  return {
    now: () => time,
    advance: (milliseconds: number) => {
      time += milliseconds;
    },
  };
}
