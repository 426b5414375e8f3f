import { ConfigError } from "../../errors/index.ts";
import { alignById } from "./align-by-id.ts";
import type { GradedProblem } from "./grade-replay.ts";
import { drawnCount } from "./opened-draw.ts";
import { isCascade, type ReplayStrategy } from "./replay-strategy.ts";

/**
 * The larger model's problems in the order of `problems`, for the cascades among `strategies` and the
 * allocations that draw their extra samples from it (`alloc@SpP:PROBE>MODEL`); `undefined` when there are
 * none.
 *
 * @throws ConfigError when such a strategy has no larger model's samples of a problem, or a cascade needs
 *   more of them than the larger model has.
 * @example
 * const larger = alignEscalation(problems, [parseReplayStrategy("cascade@4x5")], escalation);
 */
export function alignEscalation(
  problems: readonly GradedProblem[],
  strategies: readonly ReplayStrategy[],
  escalation: readonly GradedProblem[] | undefined,
): GradedProblem[] | undefined {
  const cascades = strategies.filter(isCascade);
  const first = strategies.find(
    (strategy) => isCascade(strategy) || strategy.allocation?.route !== undefined,
  );
  if (first === undefined) return undefined;
  const cascade = isCascade(first);
  const aligned = alignById(problems, escalation, {
    field: "escalation",
    absent: `--strategies: ${first.name} ${cascade ? "escalates to" : "draws its extra samples from"} a larger model: give that model's samples of the same problems (--escalate-samples or --escalate-run)`,
    whose: "the larger model has no samples",
    why: cascade
      ? "a cascade needs both models' samples of every problem"
      : "a routed allocation may draw extra samples for every problem",
  });
  const largest = Math.max(...aligned.map((problem) => problem.samples.length));
  for (const cascade of cascades) {
    if (drawnCount(cascade, cascade.escalationK) > largest) {
      throw new ConfigError(
        `--strategies: ${cascade.name} needs ${drawnCount(cascade, cascade.escalationK)} samples per problem from the larger model, but it has no more than ${largest}`,
        { field: "--strategies" },
      );
    }
  }
  return aligned;
}
