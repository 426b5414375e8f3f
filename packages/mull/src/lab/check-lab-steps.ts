import type { Problem } from "../spec/index.ts";
import { type LabChain, type LabOperator, labChainValues } from "./lab-chain.ts";
import { type LabSolutionPath, labPathSteps } from "./lab-solution-paths.ts";
import { parseLabQuestion } from "./parse-lab-question.ts";

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
 * The path a solution follows: `grouped` from its first line that only the grouped path writes, when every
 * line up to there is the grouped path's; otherwise `left-to-right`.
 */
function pathOf(
  lines: readonly string[],
  paths: Record<LabSolutionPath, readonly string[]>,
): LabSolutionPath {
  for (let index = 0; index < lines.length; index += 1) {
    if (lines[index] !== paths.grouped[index]) return "left-to-right";
    if (paths.grouped[index] !== paths["left-to-right"][index]) return "grouped";
  }
  return "left-to-right";
}

function normalizedLines(solution: string | readonly string[]): string[] {
  const steps = typeof solution === "string" ? splitLabSteps(solution) : solution;
  return steps.map((step) => step.replaceAll("\u2212", "-").replaceAll(/\s+/g, ""));
}

function pathLines(chain: LabChain): Record<LabSolutionPath, readonly string[]> {
  return { "left-to-right": labPathSteps(chain, "left-to-right"), grouped: labPathSteps(chain, "grouped") };
}

/**
 * The path a lab solution takes, as `checkLabSteps` judges it: `grouped` once a line only the grouped path
 * writes follows the grouped path's lines, otherwise `left-to-right` (also for a solution that goes wrong
 * before the paths part).
 *
 * @throws ConfigError when the problem is not a lab chain.
 * @example
 * labSolutionPath({ question: "30+444-273+12=?" }, "\n30+444=474\n474+12=486\n486-273=213\n#### 213"); // "grouped"
 */
export function labSolutionPath(problem: Problem, solution: string | readonly string[]): LabSolutionPath {
  const chain = labChainOf(problem);
  return pathOf(normalizedLines(solution).slice(0, chain.operators.length), pathLines(chain));
}

/**
 * The exact process reward of a lab solution: one boolean per step. A solution follows one of the lab's
 * two paths (`LabSolutionPath`): left to right, where step `i` must read `current op b = result` with
 * `current` the true running value after `i` operations, `op` and `b` the question's `i`-th operator and
 * next operand and `result` the true value after it; or grouped (the additions summed, then the
 * subtractions, then one subtraction), chosen from the first line that only the grouped path writes when
 * every line before it is the grouped path's. Each step is compared with its path's line at the same
 * position. The line after the last operation must be `#### <answer>` with the true answer. Spaces and the
 * Unicode minus sign are ignored; anything else (a wrong carry, a skipped or repeated operation, a step built
 * on a wrong intermediate, a switch of path, an early or late `####`, extra lines) is `false`. So a solution
 * is right exactly when every step is `true`, and a partial solution can still be completed correctly
 * exactly when all its steps are `true`.
 *
 * @param solution the completion text (split into lines, blank lines dropped) or its steps, one per element.
 * @throws ConfigError when the problem is not a lab chain.
 * @example
 * const problem = { question: "30+444+273=?" };
 * checkLabSteps(problem, "\n30+444=474\n474+273=747\n#### 747"); // [true, true, true]
 * checkLabSteps(problem, ["30+444=464", "464+273=737"]); // [false, false]
 * checkLabSteps({ question: "30+444-273+12=?" }, ["30+444=474", "474+12=486", "486-273=213"]); // [true, true, true]
 */
export function checkLabSteps(problem: Problem, solution: string | readonly string[]): boolean[] {
  const chain = labChainOf(problem);
  const values = labChainValues(chain);
  const level = chain.operators.length;
  const steps = typeof solution === "string" ? splitLabSteps(solution) : solution;
  const lines = steps.map((step) => step.replaceAll("\u2212", "-").replaceAll(/\s+/g, ""));
  const paths = {
    "left-to-right": labPathSteps(chain, "left-to-right"),
    grouped: labPathSteps(chain, "grouped"),
  };
  const expected = paths[pathOf(lines.slice(0, level), paths)];
  return lines.map((line, index) => {
    if (index < level) return line === expected[index];
    if (index === level) {
      const match = answerPattern.exec(line);
      return match !== null && Number(match[1]) === values[level];
    }
    return false;
  });
}
