import { ConfigError } from "../errors/index.ts";
import { checkInteger } from "../runtime/index.ts";
import type { Problem } from "../spec/index.ts";
import {
  drawLabChain,
  generateLabProblems,
  type LabOperandSizes,
  labLevelRng,
  labProblem,
} from "./generate-lab-problems.ts";
import { labHardestLevel, labLevels } from "./lab-chain.ts";

/** Options of `labDataset`. */
export interface LabDatasetOptions {
  /** Number of problems; default 200 (about ±3.5 points on an accuracy). */
  readonly limit?: number | undefined;
  /** Seed of the generator; default 0. */
  readonly seed?: number | undefined;
}

/** The names `labDataset` accepts. */
export const labDatasetNames: readonly string[] = [
  ...labLevels.map((level) => `lab:${level}`),
  "lab:mixed",
  "lab:hard",
  "lab:two-digit",
];

const twoDigits: LabOperandSizes = [0, 1, 0];

/**
 * A named lab dataset: `lab:1` … `lab:6` (one level each), `lab:mixed` (levels 1–6 in turn, problem `i`
 * has level `i mod 6 + 1`), `lab:hard` (the hardest trained level, 6; the same problems as `lab:6`) and
 * `lab:two-digit` (levels 1–6 in turn like `lab:mixed`, every operand 10–99: `37+48-19=?`).
 *
 * @throws ConfigError for an unknown name (listing the valid ones) or a bad limit or seed.
 * @example
 * const problems = labDataset("lab:hard", { limit: 50, seed: 1 });
 */
export function labDataset(name: string, options: LabDatasetOptions = {}): Problem[] {
  const limit = checkInteger("labDataset", "limit", options.limit ?? 200, {
    minimum: 0,
    expected: "a non-negative integer",
  });
  const seed = checkInteger("labDataset", "seed", options.seed ?? 0);
  if (name === "lab:hard") return generateLabProblems({ level: labHardestLevel, count: limit, seed });
  if (name === "lab:mixed" || name === "lab:two-digit") {
    const sizes = name === "lab:two-digit" ? twoDigits : undefined;
    const prefix = name === "lab:two-digit" ? "lab-two-digit" : "lab-mixed";
    const streams = new Map(labLevels.map((level) => [level, labLevelRng(level, seed)]));
    return Array.from({ length: limit }, (_, index) => {
      const level = labLevels[index % labLevels.length] ?? 1;
      const rng = streams.get(level);
      if (rng === undefined) throw new Error(`no stream for level ${level}`);
      return labProblem(drawLabChain(level, rng, sizes), `${prefix}-s${seed}-${index}`);
    });
  }
  const match = /^lab:(\d+)$/.exec(name);
  const level = match === null ? undefined : Number(match[1]);
  if (level === undefined || !labLevels.includes(level)) {
    throw new ConfigError(
      `dataset ${JSON.stringify(name)} is not a lab dataset; expected one of ${labDatasetNames.join(", ")}`,
      { field: "dataset" },
    );
  }
  return generateLabProblems({ level, count: limit, seed });
}
