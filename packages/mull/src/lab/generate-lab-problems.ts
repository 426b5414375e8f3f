import { ConfigError } from "../errors/index.ts";
import { checkInteger, describeValue, seededRng } from "../runtime/index.ts";
import type { Problem, Rng } from "../spec/index.ts";
import { formatLabPrompt, formatLabQuestion } from "./format-lab-solution.ts";
import {
  type LabChain,
  type LabOperator,
  labChainValues,
  labHardestLevel,
  labMaxValue,
  labMinOperand,
} from "./lab-chain.ts";

/** Options of `generateLabProblems`. */
export interface LabProblemOptions {
  /** Number of operations per chain, 1–6 (the trained levels). */
  readonly level: number;
  /** How many problems to generate. */
  readonly count: number;
  /** Seed of the generator; the same seed and level give the same problems. */
  readonly seed: number;
  /** Operand sizes (see `LabOperandSizes`); default uniform in 1–999. */
  readonly operandSizes?: LabOperandSizes | undefined;
}

/** The metadata of a generated lab problem. */
export type LabProblemMetadata = {
  /** Number of operations. */
  readonly level: number;
  readonly operands: readonly number[];
  readonly operators: readonly LabOperator[];
};

const owner = "generateLabProblems";

/**
 * Weights of 1-digit (1–9), 2-digit (10–99) and 3-digit (100–999) operands, each size uniform within
 * itself: `[0, 1, 0]` draws only 2-digit operands, `[0.2, 0.3, 0.5]` is the mixture the second lab family
 * was trained on. Without it, operands are uniform in 1–999 (about `[0.009, 0.09, 0.901]`).
 */
export type LabOperandSizes = readonly [number, number, number];

const sizeRanges = [
  [1, 9],
  [10, 99],
  [100, labMaxValue],
] as const;

function operandDrawer(rng: Rng, sizes: LabOperandSizes | undefined): () => number {
  const uniform = (low: number, high: number): number => low + Math.floor(rng.next() * (high - low + 1));
  if (sizes === undefined) return () => uniform(labMinOperand, labMaxValue);
  if (sizes.length !== 3 || sizes.some((weight) => !(weight >= 0)) || !(sizes[0] + sizes[1] + sizes[2] > 0)) {
    throw new ConfigError(
      `${owner}: operandSizes must be three non-negative weights (1, 2 and 3 digits) with a positive sum, ` +
        `got ${describeValue(sizes)}`,
      { field: "operandSizes" },
    );
  }
  const total = sizes[0] + sizes[1] + sizes[2];
  return () => {
    let pick = rng.next() * total;
    for (const [index, [low, high]] of sizeRanges.entries()) {
      const weight = sizes[index] ?? 0;
      if (pick < weight) return uniform(low, high);
      pick -= weight;
    }
    return uniform(sizeRanges[2][0], sizeRanges[2][1]);
  };
}

/**
 * Draws one chain: the first operand uniform in 1–999 (or from `sizes`), then for each operation an
 * operator (+ or -, even odds) and an operand drawn the same way, both redrawn until the intermediate
 * result stays in 0–999.
 *
 * @throws ConfigError when `sizes` is not three non-negative weights with a positive sum.
 */
export function drawLabChain(level: number, rng: Rng, sizes?: LabOperandSizes): LabChain {
  const draw = operandDrawer(rng, sizes);
  const operands = [draw()];
  const operators: LabOperator[] = [];
  let current = operands[0] ?? 0;
  for (let step = 0; step < level; step += 1) {
    for (;;) {
      const operator: LabOperator = rng.next() < 0.5 ? "+" : "-";
      const operand = draw();
      const result = operator === "+" ? current + operand : current - operand;
      if (result >= 0 && result <= labMaxValue) {
        operands.push(operand);
        operators.push(operator);
        current = result;
        break;
      }
    }
  }
  return { operands, operators };
}

/** A `Problem` for a chain, with the lab's exact training prompt and its gold answer. */
export function labProblem(chain: LabChain, id?: string): Problem {
  const values = labChainValues(chain);
  const metadata: LabProblemMetadata = {
    level: chain.operators.length,
    operands: [...chain.operands],
    operators: [...chain.operators],
  };
  return {
    ...(id === undefined ? {} : { id }),
    question: formatLabQuestion(chain),
    prompt: { kind: "text", text: formatLabPrompt(chain) },
    gold: String(values[values.length - 1]),
    metadata,
  };
}

/** The generator of one level for one seed, so that levels sharing a seed draw unrelated problems. */
export function labLevelRng(level: number, seed: number): Rng {
  return seededRng((Math.imul(seed, 0x2c1b3c6d) + Math.imul(level, 0x9e3779b1)) | 0);
}

/**
 * Generates `count` arithmetic chains of `level` operations on operands 1–999, with every intermediate
 * kept in 0–999. Deterministic under `seed`; a smaller `count` gives a prefix of a larger one.
 *
 * @throws ConfigError when `level` is not 1–6, `count` not a non-negative integer or `seed` not an integer.
 * @example
 * const [problem] = generateLabProblems({ level: 2, count: 1, seed: 7 });
 * // problem.question like "30+444+273=?", problem.prompt { kind: "text", text: "Q: 30+444+273=? A:" },
 * // problem.gold "747", problem.metadata { level: 2, operands: [30, 444, 273], operators: ["+", "+"] }
 */
export function generateLabProblems(options: LabProblemOptions): Problem[] {
  checkInteger(owner, "level", options.level, { minimum: 1, maximum: labHardestLevel });
  checkInteger(owner, "count", options.count, { minimum: 0 });
  checkInteger(owner, "seed", options.seed);
  const rng = labLevelRng(options.level, options.seed);
  return Array.from({ length: options.count }, (_, index) =>
    labProblem(
      drawLabChain(options.level, rng, options.operandSizes),
      `lab-L${options.level}-s${options.seed}-${index}`,
    ),
  );
}
