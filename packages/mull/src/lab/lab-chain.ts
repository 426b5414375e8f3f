/** An operator of a lab chain. */
export type LabOperator = "+" | "-";

/**
 * A chain of additions and subtractions, the lab's task: `operands[0] operators[0] operands[1] ...`.
 * Its level is the number of operations (`operators.length`).
 */
export interface LabChain {
  /** The numbers in order; one more than `operators`. */
  readonly operands: readonly number[];
  /** The operations in order. */
  readonly operators: readonly LabOperator[];
}

/** Smallest operand the generator draws. */
export const labMinOperand = 1;
/** Largest operand, and largest value any intermediate result may take. */
export const labMaxValue = 999;
/** The levels the shipped models were trained on (number of operations). */
export const labLevels: readonly number[] = [1, 2, 3, 4, 5, 6];
/** The hardest trained level; `lab:hard` is this level. */
export const labHardestLevel = 6;

/**
 * The running values of a chain: `values[0]` is the first operand, `values[i]` the result of step `i`.
 *
 * @example
 * labChainValues({ operands: [30, 444, 273], operators: ["+", "+"] }); // [30, 474, 747]
 */
export function labChainValues(chain: LabChain): number[] {
  const first = chain.operands[0];
  if (first === undefined) return [];
  const values = [first];
  let current = first;
  chain.operators.forEach((operator, index) => {
    const operand = chain.operands[index + 1] ?? 0;
    current = operator === "+" ? current + operand : current - operand;
    values.push(current);
  });
  return values;
}
