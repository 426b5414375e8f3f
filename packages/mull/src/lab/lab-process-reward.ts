import type { ProcessRewardModel } from "../spec/index.ts";
import { checkLabSteps } from "./check-lab-steps.ts";

/**
 * The lab's exact step checker as a process reward model: reward 1 for each correct step, 0 for each wrong
 * one (see `checkLabSteps`). Makes no model calls.
 *
 * @example
 * const prm = labProcessReward();
 * const { results } = await prm.score({ question: "12+7-3=?" }, [["12+7=19", "19-3=15"]]);
 * // results[0].rewards → [1, 0]
 */
export function labProcessReward(): ProcessRewardModel {
  return {
    name: "lab-step-checker",
    score: async (problem, solutions, options) => {
      options?.signal?.throwIfAborted();
      const results = solutions.map((steps) => ({
        rewards: checkLabSteps(problem, steps).map((correct) => (correct ? 1 : 0)),
      }));
      return { results, calls: 0 };
    },
  };
}
