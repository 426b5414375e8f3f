import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { seededRng } from "../runtime/index.ts";
import { drawLabChain, generateLabProblems, type LabProblemMetadata } from "./generate-lab-problems.ts";
import { labChainValues } from "./lab-chain.ts";

const metadataOf = (problem: { metadata?: unknown }): LabProblemMetadata =>
  problem.metadata as LabProblemMetadata;

describe("generateLabProblems", () => {
  it("is deterministic under its seed, and another seed gives other problems", () => {
    const first = generateLabProblems({ level: 4, count: 20, seed: 11 });
    expect(generateLabProblems({ level: 4, count: 20, seed: 11 })).toEqual(first);
    const other = generateLabProblems({ level: 4, count: 20, seed: 12 });
    expect(other.map((problem) => problem.question)).not.toEqual(first.map((problem) => problem.question));
  });

  it("gives a prefix of a larger count, and unrelated problems across levels with the same seed", () => {
    const large = generateLabProblems({ level: 3, count: 30, seed: 5 });
    expect(generateLabProblems({ level: 3, count: 10, seed: 5 })).toEqual(large.slice(0, 10));
    const levelTwo = generateLabProblems({ level: 2, count: 30, seed: 5 });
    const firstOperands = (problems: typeof large) =>
      problems.map((problem) => metadataOf(problem).operands[0]);
    expect(firstOperands(levelTwo)).not.toEqual(firstOperands(large));
  });

  it("keeps operands in 1-999 and every intermediate in 0-999, with level operations", () => {
    for (let level = 1; level <= 6; level += 1) {
      const problems = generateLabProblems({ level, count: 300, seed: level });
      const metadata = problems.map(metadataOf);
      expect(metadata.every((item) => item.level === level && item.operators.length === level)).toBe(true);
      expect(metadata.every((item) => item.operands.length === level + 1)).toBe(true);
      const operands = metadata.flatMap((item) => item.operands);
      expect(Math.min(...operands)).toBeGreaterThanOrEqual(1);
      expect(Math.max(...operands)).toBeLessThanOrEqual(999);
      const values = metadata.flatMap((item) => labChainValues(item));
      expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...values)).toBeLessThanOrEqual(999);
    }
  });

  it("writes the question, the training prompt, the gold answer and the id from the chain", () => {
    const problems = generateLabProblems({ level: 2, count: 5, seed: 3 });
    problems.forEach((problem, index) => {
      const { operands, operators } = metadataOf(problem);
      const question = `${operands[0]}${operators[0]}${operands[1]}${operators[1]}${operands[2]}=?`;
      expect(problem.question).toBe(question);
      expect(problem.prompt).toEqual({ kind: "text", text: `Q: ${question} A:` });
      let answer = operands[0] ?? 0;
      operators.forEach((operator, step) => {
        answer += (operator === "+" ? 1 : -1) * (operands[step + 1] ?? 0);
      });
      expect(problem.gold).toBe(String(answer));
      expect(problem.id).toBe(`lab-L2-s3-${index}`);
    });
  });

  it("draws both operators and a spread of operands", () => {
    const chains = Array.from({ length: 400 }, (_, index) => drawLabChain(1, seededRng(index)));
    const plus = chains.filter((chain) => chain.operators[0] === "+").length;
    expect(plus).toBeGreaterThan(120);
    expect(plus).toBeLessThan(280);
    const threeDigit = chains.filter((chain) => (chain.operands[1] ?? 0) >= 100).length;
    expect(threeDigit).toBeGreaterThan(300);
  });

  it("rejects a level outside 1-6, a bad count and a non-integer seed, naming the field", () => {
    expect(() => generateLabProblems({ level: 7, count: 1, seed: 0 })).toThrow(
      /level must be an integer from 1 to 6, got 7/,
    );
    expect(() => generateLabProblems({ level: 0, count: 1, seed: 0 })).toThrow(ConfigError);
    expect(() => generateLabProblems({ level: 2, count: -1, seed: 0 })).toThrow(/count/);
    expect(() => generateLabProblems({ level: 2, count: 1, seed: 0.5 })).toThrow(/seed must be an integer/);
  });

  it("draws operands from a size mixture: only 2-digit operands, or small ones oversampled", () => {
    const twoDigit = generateLabProblems({ level: 3, count: 200, seed: 9, operandSizes: [0, 1, 0] });
    const operands = twoDigit.flatMap((problem) => metadataOf(problem).operands);
    expect(operands.every((value) => value >= 10 && value <= 99)).toBe(true);
    const mixture = generateLabProblems({ level: 1, count: 2000, seed: 9, operandSizes: [0.2, 0.3, 0.5] });
    const firstOperands = mixture.map((problem) => metadataOf(problem).operands[0] ?? 0);
    const share = (low: number, high: number) =>
      firstOperands.filter((value) => value >= low && value <= high).length / firstOperands.length;
    expect(share(1, 9)).toBeGreaterThan(0.15);
    expect(share(1, 9)).toBeLessThan(0.25);
    expect(share(10, 99)).toBeGreaterThan(0.25);
    expect(share(10, 99)).toBeLessThan(0.35);
    const uniform = generateLabProblems({ level: 1, count: 2000, seed: 9 });
    expect(uniform.filter((problem) => (metadataOf(problem).operands[0] ?? 0) < 10).length).toBeLessThan(60);
  });

  it("refuses operand sizes that are not three non-negative weights", () => {
    for (const sizes of [
      [0, 0, 0],
      [1, -1, 1],
      [Number.NaN, 1, 1],
    ] as const) {
      expect(() => generateLabProblems({ level: 1, count: 1, seed: 0, operandSizes: sizes })).toThrow(
        /operandSizes must be three non-negative weights/,
      );
    }
    expect(() => drawLabChain(1, seededRng(1), [0, 0, 0])).toThrow(ConfigError);
  });
});
