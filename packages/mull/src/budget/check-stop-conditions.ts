import type { StopCondition, StopReason } from "../spec/index.ts";

/**
 * The place where a run's stop conditions are checked: the first condition that holds, as a stop reason
 * (`condition:<name>`), or `undefined` to go on.
 *
 * @example
 * const reason = checkStopConditions([consensusReached(0.9, 5)], progress);
 * if (reason !== undefined) break;
 */
export function checkStopConditions<State>(
  conditions: readonly StopCondition<State>[],
  state: State,
): StopReason | undefined {
  for (const condition of conditions) {
    if (condition.shouldStop(state)) return `condition:${condition.name}`;
  }
  return undefined;
}
