import type { StopCondition } from "../spec/index.ts";
import type { RunProgress } from "./run-progress.ts";
import { totalTokens } from "./usage.ts";

/**
 * Stops a run once it has spent more than `limit` prompt plus completion tokens (as reported).
 *
 * @example
 * withEarlyStop(selfConsistency({ n: 40 }), { rounds: 10, stopWhen: [tokensExceed(50_000)] });
 */
export function tokensExceed(limit: number): StopCondition<RunProgress> {
  return {
    name: "tokens-exceed",
    shouldStop: (progress) => (totalTokens(progress.spent.usage) ?? 0) > limit,
  };
}
