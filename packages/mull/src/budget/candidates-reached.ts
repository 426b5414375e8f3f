import { checkInteger } from "../runtime/index.ts";
import type { StopCondition } from "../spec/index.ts";
import type { RunProgress } from "./run-progress.ts";

/**
 * Stops a run once `count` candidates have finished, with or without an answer. Over candidates run
 * in parallel and voting in the order they finish, it is the quorum of short-m@k (Hassid et al.
 * 2025): vote over the first m of k to finish, since the longest traces are the least often right.
 *
 * @throws ConfigError when `count` is not an integer ≥ 1.
 * @example
 * stopWhen: [adaptiveConsistencyReached(0.95), candidatesReached(12)];
 */
export function candidatesReached(count: number): StopCondition<RunProgress> {
  checkInteger("candidatesReached", "count", count, { minimum: 1 });
  return {
    name: "candidates-reached",
    shouldStop: (progress) => progress.candidates.length >= count,
  };
}
