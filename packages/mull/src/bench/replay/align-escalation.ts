import { ConfigError } from "../../errors/index.ts";
import { alignById } from "./align-by-id.ts";
import type { GradedProblem } from "./grade-replay.ts";
import { drawnCount } from "./opened-draw.ts";
import { isCascade, type ReplayStrategy } from "./replay-strategy.ts";

/**
 * The larger model's problems in the order of `problems`, for the cascades among `strategies`;
 * `undefined` when none of them is a cascade.
 *
 * @throws ConfigError when a cascade has no larger model's samples of a problem, or needs more of them
 *   than the larger model has.
 * @example
 * const larger = alignEscalation(problems, [parseReplayStrategy("cascade@4x5")], escalation);
 */
export function alignEscalation(
  problems: readonly GradedProblem[],
  strategies: readonly ReplayStrategy[],
  escalation: readonly GradedProblem[] | undefined,
): GradedProblem[] | undefined {
  const cascades = strategies.filter(isCascade);
  const first = cascades[0];
  if (first === undefined) return undefined;
  const aligned = alignById(problems, escalation, {
    field: "escalation",
    absent: `--strategies: ${first.name} escalates to a larger model: give that model's samples of the same problems (--escalate-samples or --escalate-run)`,
    whose: "the larger model has no samples",
    why: "a cascade needs both models' samples of every problem",
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
