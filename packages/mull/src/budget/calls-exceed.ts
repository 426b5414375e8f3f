import type { StopCondition } from "../spec/index.ts";
import type { RunProgress } from "./run-progress.ts";

/**
 * Stops a run once it has made more than `limit` backend generation calls.
 *
 * @example
 * withEarlyStop(selfConsistency({ n: 40 }), { rounds: 40, stopWhen: [callsExceed(10)] });
 */
export function callsExceed(limit: number): StopCondition<RunProgress> {
  return {
    name: "calls-exceed",
    shouldStop: (progress) => progress.spent.usage.calls > limit,
  };
}
