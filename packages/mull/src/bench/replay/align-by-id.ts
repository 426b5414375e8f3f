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

/** A problem's gold as its answer format keys it, else as recorded; `undefined` without one. */
function goldOf(problem: GradedProblem): string | undefined {
  return problem.goldKey ?? problem.gold;
}

/**
 * Refuses two sets whose problems of one id have different gold answers: ids such as `"0"` recur across
 * benchmarks, and pairing two benchmarks' problems would grade each set against its own gold while
 * reporting both under one problem.
 */
function checkSameGold(
  problems: readonly GradedProblem[],
  byId: ReadonlyMap<string, GradedProblem>,
  field: string,
): void {
  const differing = problems.filter((problem) => {
    const other = byId.get(problem.id);
    const gold = goldOf(problem);
    const otherGold = other === undefined ? undefined : goldOf(other);
    return gold !== undefined && otherGold !== undefined && gold !== otherGold;
  });
  const first = differing[0];
  if (first === undefined) return;
  const other = byId.get(first.id)!;
  const more =
    differing.length === 1 ? "" : ` (and ${differing.length - 1} more problems' gold answers differ)`;
  throw new ConfigError(
    `${field}: problem ${JSON.stringify(first.id)} has gold ${JSON.stringify(first.gold)} in ${first.location} but gold ${JSON.stringify(other.gold)} in ${other.location}${more}; the two recordings hold different problems under the same ids: give recordings of the same problems`,
    { field },
  );
}

/**
 * The problems of a second recorded set (a larger model's samples, greedy traces) in the order of
 * `problems`, matched by id. Where both sets record a problem's gold answer, the two must agree (as the
 * answer format keys them: `goldKey`), so that two benchmarks whose ids overlap are never paired.
 *
 * @throws ConfigError when `others` is absent or lacks one of `problems`, naming the first missing id, or
 *   when a problem's gold answers differ, naming the id, both golds and where each was recorded.
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
  checkSameGold(problems, byId, wording.field);
  const missing = problems.filter((problem) => !byId.has(problem.id));
  if (missing.length > 0) {
    throw new ConfigError(
      `${wording.field}: ${wording.whose} of ${missing.length} of the ${problems.length} problems (the first: ${JSON.stringify(missing[0]!.id)}); ${wording.why}`,
      { field: wording.field },
    );
  }
  return problems.map((problem) => byId.get(problem.id)!);
}
