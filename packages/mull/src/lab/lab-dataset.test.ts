import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { labChainOf } from "./check-lab-steps.ts";
import { generateLabProblems, type LabProblemMetadata } from "./generate-lab-problems.ts";
import { labChainValues } from "./lab-chain.ts";
import { labDataset, labDatasetNames } from "./lab-dataset.ts";

const levelOf = (problem: { metadata?: Readonly<Record<string, unknown>> | undefined }) =>
  problem.metadata?.level;

describe("labDataset", () => {
  it("serves every level by name, with the generator's problems", () => {
    for (let level = 1; level <= 6; level += 1) {
      const problems = labDataset(`lab:${level}`, { limit: 7, seed: 2 });
      expect(problems).toEqual(generateLabProblems({ level, count: 7, seed: 2 }));
      expect(problems.every((problem) => levelOf(problem) === level)).toBe(true);
    }
  });

  it("makes lab:hard the hardest trained level, 6", () => {
    expect(labDataset("lab:hard", { limit: 5, seed: 9 })).toEqual(labDataset("lab:6", { limit: 5, seed: 9 }));
  });

  it("cycles the levels in lab:mixed, reusing each level's problems, with unique ids", () => {
    const mixed = labDataset("lab:mixed", { limit: 24, seed: 4 });
    expect(mixed.map(levelOf)).toEqual(Array.from({ length: 24 }, (_, index) => (index % 6) + 1));
    const levelThree = generateLabProblems({ level: 3, count: 4, seed: 4 });
    expect(mixed.filter((problem) => levelOf(problem) === 3).map((problem) => problem.question)).toEqual(
      levelThree.map((problem) => problem.question),
    );
    expect(new Set(mixed.map((problem) => problem.id)).size).toBe(24);
  });

  it("defaults to 200 problems and seed 0", () => {
    const problems = labDataset("lab:2");
    expect(problems).toHaveLength(200);
    expect(problems[0]?.id).toBe("lab-L2-s0-0");
  });

  it("rejects an unknown name, listing the valid ones", () => {
    expect(labDatasetNames).toEqual([
      "lab:1",
      "lab:2",
      "lab:3",
      "lab:4",
      "lab:5",
      "lab:6",
      "lab:mixed",
      "lab:hard",
      "lab:two-digit",
    ]);
    for (const name of ["lab:7", "lab:0", "gsm8k", "lab:easy"]) {
      expect(() => labDataset(name)).toThrow(ConfigError);
    }
    expect(() => labDataset("lab:7")).toThrow(
      /"lab:7".*lab:1, lab:2, lab:3, lab:4, lab:5, lab:6, lab:mixed, lab:hard, lab:two-digit/,
    );
    expect(() => labDataset("lab:1", { limit: -3 })).toThrow(/limit must be a non-negative integer, got -3/);
  });

  it("lab:two-digit draws every operand from 10-99 over levels 1-6 in turn, deterministically", () => {
    const problems = labDataset("lab:two-digit", { limit: 60, seed: 4 });
    const metadata = problems.map((problem) => problem.metadata as LabProblemMetadata);
    expect(metadata.map((item) => item.level)).toEqual(
      Array.from({ length: 60 }, (_, index) => (index % 6) + 1),
    );
    const operands = metadata.flatMap((item) => item.operands);
    expect(Math.min(...operands)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...operands)).toBeLessThanOrEqual(99);
    expect(labDataset("lab:two-digit", { limit: 60, seed: 4 })).toEqual(problems);
    expect(problems[0]?.id).toBe("lab-two-digit-s4-0");
    expect(
      problems.every((problem) => problem.gold === String(labChainValues(labChainOf(problem)).at(-1))),
    ).toBe(true);
  });
});
