import { ConfigError } from "../../errors/index.ts";
import type { GradedProblem } from "./grade-replay.ts";

/** What `alignById` says when the other set is missing or lacks a problem. */
export interface AlignmentWording {
  /** The option at fault. */
  readonly field: string;
  /** The whole message when no other set was given. */
  readonly absent: string;
  /** What is missing for a problem, e.g. `the larger model has no samples`. */
  readonly whose: string;
  /** Why every problem needs one. */
  readonly why: string;
}

/**
 * The problems of a second recorded set (a larger model's samples, greedy traces) in the order of
 * `problems`, matched by id.
 *
 * @throws ConfigError when `others` is absent or lacks one of `problems`, naming the first missing id.
 * @example
 * const larger = alignById(problems, escalation, { field: "escalation", absent: "…", whose: "…", why: "…" });
 */
export function alignById(
  problems: readonly GradedProblem[],
  others: readonly GradedProblem[] | undefined,
  wording: AlignmentWording,
): GradedProblem[] {
  if (others === undefined) throw new ConfigError(wording.absent, { field: "--strategies" });
  const byId = new Map(
    others.filter((problem) => problem.samples.length > 0).map((problem) => [problem.id, problem]),
  );
  const missing = problems.filter((problem) => !byId.has(problem.id));
  if (missing.length > 0) {
    throw new ConfigError(
      `${wording.field}: ${wording.whose} of ${missing.length} of the ${problems.length} problems (the first: ${JSON.stringify(missing[0]!.id)}); ${wording.why}`,
      { field: wording.field },
    );
  }
  return problems.map((problem) => byId.get(problem.id)!);
}
