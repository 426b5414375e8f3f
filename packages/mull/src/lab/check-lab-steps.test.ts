import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { checkLabSteps, labChainOf } from "./check-lab-steps.ts";
import { formatLabSolution, formatLabSteps } from "./format-lab-solution.ts";
import { generateLabProblems } from "./generate-lab-problems.ts";

// 30+444+273-5: true values 30, 474, 747, 742.
const problem = { question: "30+444+273-5=?" };

describe("checkLabSteps", () => {
  it("accepts every step of every gold solution", () => {
    for (const item of generateLabProblems({ level: 6, count: 100, seed: 21 })) {
      const chain = labChainOf(item);
      expect(checkLabSteps(item, formatLabSolution(chain))).toEqual(Array(7).fill(true));
    }
  });

  it("catches a wrong carry, and marks the steps built on it wrong too", () => {
    // 474+273 with a dropped carry gives 647; the model then continues consistently from 647.
    const solution = "\n30+444=474\n474+273=647\n647-5=642\n#### 642";
    expect(checkLabSteps(problem, solution)).toEqual([true, false, false, false]);
  });

  it("catches a skipped step and a wrong operand or operator", () => {
    expect(checkLabSteps(problem, ["30+444=474", "474-5=469", "#### 469"])).toEqual([true, false, false]);
    expect(checkLabSteps(problem, ["30+444=474", "474+272=746"])).toEqual([true, false]);
    expect(checkLabSteps(problem, ["30-444=474"])).toEqual([false]);
    expect(checkLabSteps(problem, ["31+444=475"])).toEqual([false]);
  });

  it("checks the answer line: position and value", () => {
    expect(checkLabSteps(problem, "30+444=474\n474+273=747\n747-5=742\n#### 742")).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(checkLabSteps(problem, "30+444=474\n474+273=747\n747-5=742\n#### 741")).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(checkLabSteps(problem, "30+444=474\n#### 742")).toEqual([true, false]);
    expect(checkLabSteps(problem, "30+444=474\n474+273=747\n747-5=742\n#### 742\n742+0=742")).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  it("scores partial solutions step by step and ignores spacing", () => {
    expect(checkLabSteps(problem, ["30 + 444 = 474\n", " 474+273 =747"])).toEqual([true, true]);
    expect(checkLabSteps(problem, "\n30+444=474\n")).toEqual([true]);
    expect(checkLabSteps(problem, "")).toEqual([]);
    expect(checkLabSteps(problem, ["30+444=474", "garbage"])).toEqual([true, false]);
  });

  it("uses the generator's metadata, or parses the question", () => {
    const [item] = generateLabProblems({ level: 3, count: 1, seed: 2 });
    if (item === undefined) throw new Error("no problem");
    const steps = formatLabSteps(labChainOf(item));
    expect(checkLabSteps({ question: item.question }, steps)).toEqual([true, true, true]);
    expect(checkLabSteps(item, steps)).toEqual([true, true, true]);
    expect(() => checkLabSteps({ question: "two plus two" }, ["2+2=4"])).toThrow(ConfigError);
  });
});
