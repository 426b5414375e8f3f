import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { checkLabSteps, labChainOf, labSolutionPath } from "./check-lab-steps.ts";
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

  describe("the grouped path", () => {
    // 30+444-273+12-5: additions 30+444+12 = 486, subtractions 273+5 = 278, answer 208.
    const mixed = { question: "30+444-273+12-5=?" };
    const grouped = ["30+444=474", "474+12=486", "273+5=278", "486-278=208", "#### 208"];

    it("accepts every step of every grouped gold solution, and its steps differ from left to right", () => {
      let differing = 0;
      for (const item of generateLabProblems({ level: 6, count: 100, seed: 22 })) {
        const chain = labChainOf(item);
        expect(checkLabSteps(item, formatLabSolution(chain, "grouped"))).toEqual(Array(7).fill(true));
        if (formatLabSolution(chain, "grouped") !== formatLabSolution(chain)) differing += 1;
      }
      expect(differing).toBeGreaterThan(80);
    });

    it("checks each line against the grouped path once the solution has taken it", () => {
      expect(checkLabSteps(mixed, grouped)).toEqual([true, true, true, true, true]);
      // a wrong sum of the subtractions, and the final subtraction built on it
      expect(
        checkLabSteps(mixed, ["30+444=474", "474+12=486", "273+5=268", "486-268=218", "#### 218"]),
      ).toEqual([true, true, false, false, false]);
    });

    it("marks a switch of path wrong: a solution must follow one path to be completable", () => {
      // grouped first, then back to left to right from a true running value
      expect(checkLabSteps(mixed, ["30+444=474", "474+12=486", "201+12=213", "213-5=208"])).toEqual([
        true,
        true,
        false,
        false,
      ]);
      // left to right first, then a grouped line
      expect(checkLabSteps(mixed, ["30+444=474", "474-273=201", "273+5=278"])).toEqual([true, true, false]);
    });

    it("names the path a solution takes", () => {
      expect(labSolutionPath(mixed, grouped)).toBe("grouped");
      expect(labSolutionPath(mixed, grouped.slice(0, 2))).toBe("grouped");
      expect(labSolutionPath(mixed, ["30+444=474"])).toBe("left-to-right");
      expect(labSolutionPath(mixed, "\n30+444=474\n474-273=201\n201+12=213")).toBe("left-to-right");
      expect(labSolutionPath(mixed, ["31+444=475", "475+12=487"])).toBe("left-to-right");
    });

    it("keeps the left-to-right rule when the first lines are shared by both paths", () => {
      // 30+444 is the first line of both paths; a wrong carry then is judged left to right
      expect(checkLabSteps(mixed, ["30+444=474", "474-273=211"])).toEqual([true, false]);
      expect(checkLabSteps(mixed, ["30+444=474"])).toEqual([true]);
    });
  });
});
