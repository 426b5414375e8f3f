import { checkInteger, seededRng } from "../runtime/index.ts";
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
 * Draws one chain: the first operand uniform in 1–999, then for each operation an operator (+ or -, even
 * odds) and an operand uniform in 1–999, both redrawn until the intermediate result stays in 0–999.
 */
export function drawLabChain(level: number, rng: Rng): LabChain {
  const draw = (): number => labMinOperand + Math.floor(rng.next() * (labMaxValue - labMinOperand + 1));
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
    labProblem(drawLabChain(options.level, rng), `lab-L${options.level}-s${options.seed}-${index}`),
  );
}
