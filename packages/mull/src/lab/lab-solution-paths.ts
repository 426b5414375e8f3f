import { type LabChain, labChainValues } from "./lab-chain.ts";

/**
 * A way to solve a lab chain, one checkable operation `a op b = c` per line:
 * - `left-to-right`: each line applies the next operation to the previous result (the only path of the
 *   first lab models);
 * - `grouped`: the added operands summed left to right (the first operand counts as added), then the
 *   subtracted ones, then one subtraction of the two sums. The second lab family was trained on both
 *   paths and chooses one as it writes, so sampled solutions reach the answer by different routes.
 */
export type LabSolutionPath = "left-to-right" | "grouped";

/** Every path a lab solution may take, the reference path first. */
export const labSolutionPaths: readonly LabSolutionPath[] = ["left-to-right", "grouped"];

function leftToRightLines(chain: LabChain): string[] {
  const values = labChainValues(chain);
  return chain.operators.map(
    (operator, index) => `${values[index]}${operator}${chain.operands[index + 1]}=${values[index + 1]}`,
  );
}

function groupedLines(chain: LabChain): string[] {
  const added = [chain.operands[0] ?? 0];
  const subtracted: number[] = [];
  chain.operators.forEach((operator, index) => {
    (operator === "+" ? added : subtracted).push(chain.operands[index + 1] ?? 0);
  });
  const lines: string[] = [];
  const sum = (terms: readonly number[]): number =>
    terms.slice(1).reduce((total, term) => {
      lines.push(`${total}+${term}=${total + term}`);
      return total + term;
    }, terms[0] ?? 0);
  const plus = sum(added);
  if (subtracted.length === 0) return lines;
  const minus = sum(subtracted);
  lines.push(`${plus}-${minus}=${plus - minus}`);
  return lines;
}

/**
 * The correct step lines of a chain along one path, without newlines; both paths have one line per
 * operation. Sums on the grouped path may exceed 999 (the answer cannot).
 *
 * @example
 * const chain = { operands: [30, 444, 273, 12, 5], operators: ["+", "-", "+", "-"] } as const;
 * labPathSteps(chain, "left-to-right"); // ["30+444=474", "474-273=201", "201+12=213", "213-5=208"]
 * labPathSteps(chain, "grouped"); // ["30+444=474", "474+12=486", "273+5=278", "486-278=208"]
 */
export function labPathSteps(chain: LabChain, path: LabSolutionPath): string[] {
  return path === "grouped" ? groupedLines(chain) : leftToRightLines(chain);
}
