import { ConfigError } from "../errors/index.ts";
import type { OutcomeScorer, Problem, Score } from "../spec/index.ts";
import { labChainOf } from "./check-lab-steps.ts";
import { extractLabAnswer } from "./extract-lab-answer.ts";
import { labChainValues } from "./lab-chain.ts";

function truthOf(problem: Problem): string {
  try {
    const values = labChainValues(labChainOf(problem));
    return String(values[values.length - 1]);
  } catch (error) {
    if (problem.gold !== undefined) return String(Number(problem.gold.trim()));
    throw error;
  }
}

/**
 * A perfect outcome verifier for the lab: score 1 when the solution's `#### N` answer equals the true
 * answer of the chain (computed from the question, or `gold` when the question is not a lab chain), else 0.
 * Falls back to the solution's extracted `answer` when its text has no `####`. Makes no model calls.
 *
 * @example
 * const checker = labOutcomeChecker();
 * const { scores } = await checker.score({ question: "12+7=?" }, [{ text: "\n12+7=19\n#### 19", answer: "19" }]);
 * // scores[0].value === 1
 */
export function labOutcomeChecker(): OutcomeScorer {
  const name = "lab-checker";
  return {
    name,
    score: async (problem, solutions, options) => {
      options?.signal?.throwIfAborted();
      let truth: string;
      try {
        truth = truthOf(problem);
      } catch (error) {
        throw new ConfigError(
          `problem ${JSON.stringify(problem.id ?? problem.question)} has neither a lab chain question nor a gold answer`,
          { field: "problem", cause: error },
        );
      }
      const scores = solutions.map((solution): Score => {
        const answer = extractLabAnswer(solution.text) ?? solution.answer?.trim();
        const correct = answer !== undefined && answer !== "" && String(Number(answer)) === truth;
        return {
          scorer: name,
          kind: "outcome",
          value: correct ? 1 : 0,
          detail:
            answer === undefined ? `no answer, expected ${truth}` : `answer ${answer}, expected ${truth}`,
        };
      });
      return { scores, calls: 0 };
    },
    callsFor: () => 0,
  };
}
