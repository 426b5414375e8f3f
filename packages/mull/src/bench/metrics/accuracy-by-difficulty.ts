import type { RunData } from "../run-data.ts";
import { strategyOrder } from "./strategy-order.ts";

/** A strategy's accuracy on the problems of one difficulty. */
export interface DifficultyAccuracy {
  readonly strategy: string;
  readonly difficulty: string;
  readonly problems: number;
  readonly correct: number;
  /** correct / problems. */
  readonly accuracy: number;
}

const naturalOrder = new Intl.Collator("en", { numeric: true });

/**
 * Accuracy per strategy and difficulty, over the problems whose difficulty is known. Difficulties sort
 * naturally (`Level 2` before `Level 10`); strategies follow `strategyOrder`. Empty when no problem has
 * a difficulty.
 *
 * @example
 * accuracyByDifficulty(run).filter((row) => row.strategy === "sc@8");
 */
export function accuracyByDifficulty(run: RunData): DifficultyAccuracy[] {
  const difficultyOf = new Map<string, string>();
  for (const problem of run.problems) {
    if (problem.difficulty !== undefined) difficultyOf.set(problem.id, problem.difficulty);
  }
  const difficulties = [...new Set(difficultyOf.values())].sort(naturalOrder.compare);
  const rows: DifficultyAccuracy[] = [];
  for (const strategy of strategyOrder(run)) {
    for (const difficulty of difficulties) {
      const results = run.results.filter(
        (result) => result.strategy === strategy && difficultyOf.get(result.problemId) === difficulty,
      );
      if (results.length === 0) continue;
      const correct = results.filter((result) => result.correct).length;
      rows.push({
        strategy,
        difficulty,
        problems: results.length,
        correct,
        accuracy: correct / results.length,
      });
    }
  }
  return rows;
}
