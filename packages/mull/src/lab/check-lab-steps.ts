import type { Problem } from "../spec/index.ts";
import { type LabChain, type LabOperator, labChainValues } from "./lab-chain.ts";
import { parseLabQuestion } from "./parse-lab-question.ts";

const stepPattern = /^(\d+)([+-])(\d+)=(\d+)$/;
const answerPattern = /^####(\d+)$/;

/**
 * The chain of a problem: from `metadata.operands` / `metadata.operators` when a lab generator made it,
 * otherwise parsed from its question.
 *
 * @throws ConfigError when the problem is not a lab chain.
 */
export function labChainOf(problem: Problem): LabChain {
  const operands = problem.metadata?.operands;
  const operators = problem.metadata?.operators;
  if (
    Array.isArray(operands) &&
    Array.isArray(operators) &&
    operands.length === operators.length + 1 &&
    operands.every((value) => Number.isInteger(value)) &&
    operators.every((value) => value === "+" || value === "-")
  ) {
    return { operands: operands as number[], operators: operators as LabOperator[] };
  }
  return parseLabQuestion(problem.question);
}

/** Splits a solution text into its non-empty lines, the steps. */
export function splitLabSteps(solution: string): string[] {
  return solution
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/**
 * The exact process reward of a lab solution: one boolean per step. Step `i` (a line) is correct when it
 * reads `current op b = result` where `current` is the true running value after `i` operations, `op` and
 * `b` are the question's `i`-th operator and next operand, and `result` is the true value after the step.
 * The line after the last operation must be `#### <answer>` with the true answer. Spaces and the Unicode
 * minus sign are ignored; anything else (a wrong carry, a skipped or repeated operation, a step built on a
 * wrong intermediate, an early or late `####`, extra lines) is `false`. So a solution is right exactly when
 * every step is `true`, and a partial solution can still be completed correctly exactly when all its steps
 * are `true`.
 *
 * @param solution the completion text (split into lines, blank lines dropped) or its steps, one per element.
 * @throws ConfigError when the problem is not a lab chain.
 * @example
 * const problem = { question: "30+444+273=?" };
 * checkLabSteps(problem, "\n30+444=474\n474+273=747\n#### 747"); // [true, true, true]
 * checkLabSteps(problem, ["30+444=464", "464+273=737"]); // [false, false]
 */
export function checkLabSteps(problem: Problem, solution: string | readonly string[]): boolean[] {
  const chain = labChainOf(problem);
  const values = labChainValues(chain);
  const level = chain.operators.length;
  const steps = typeof solution === "string" ? splitLabSteps(solution) : solution;
  return steps.map((step, index) => {
    const line = step.replaceAll("\u2212", "-").replaceAll(/\s+/g, "");
    if (index < level) {
      const match = stepPattern.exec(line);
      if (match === null) return false;
      return (
        Number(match[1]) === values[index] &&
        match[2] === chain.operators[index] &&
        Number(match[3]) === chain.operands[index + 1] &&
        Number(match[4]) === values[index + 1]
      );
    }
    if (index === level) {
      const match = answerPattern.exec(line);
      return match !== null && Number(match[1]) === values[level];
    }
    return false;
  });
}
