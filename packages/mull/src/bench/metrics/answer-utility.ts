/** Answers a strategy gave over a set of problems: right ones, wrong ones, and how many problems. */
export interface AnswerCounts {
  readonly right: number;
  readonly wrong: number;
  /** Problems, answered or not. */
  readonly problems: number;
}

/**
 * The utility per problem of a strategy's answers when a wrong answer costs `wrongCost` against a right
 * one's 1 and no answer's 0 (Stroebl et al. 2024, "Inference Scaling fLaws"): what makes abstaining
 * worth something. Counts may be expectations (fractions over shuffles).
 *
 * @example
 * answerUtility({ right: 97, wrong: 0, problems: 120 }, 1); // 0.808
 */
export function answerUtility(counts: AnswerCounts, wrongCost: number): number {
  return (counts.right - wrongCost * counts.wrong) / counts.problems;
}
