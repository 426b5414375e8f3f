import { describe, expect, it } from "vitest";
import { labDataset } from "../lab/index.ts";
import { createProgram } from "./main.ts";
import { labDefaultProblems, maximumProblems, problemLimitHelp } from "./problem-limit.ts";

/** The parser and help of `--limit` (or another option) of a command, as the program registers it. */
function option(command: string, flag: string) {
  const found = createProgram()
    .commands.find((entry) => entry.name() === command)
    ?.options.find((entry) => entry.long === flag);
  if (found === undefined) throw new Error(`no ${flag} in mull ${command}`);
  return found;
}

describe("the problem limit", () => {
  it("caps mull bench --limit as mull lab caps --problems and --limit", () => {
    for (const [command, flag] of [
      ["bench", "--limit"],
      ["lab", "--limit"],
      ["lab", "--problems"],
    ] as const) {
      const parse = option(command, flag).parseArg!;
      expect(parse(String(maximumProblems), undefined)).toBe(maximumProblems);
      expect(() => parse("10000000", undefined)).toThrow(
        `expected an integer from 1 to ${maximumProblems}, got "10000000"`,
      );
    }
  });

  it("states in mull bench --help how many problems a lab dataset generates by default", () => {
    expect(labDataset("lab:mixed")).toHaveLength(labDefaultProblems);
    expect(option("bench", "--limit").description).toBe(problemLimitHelp);
    expect(problemLimitHelp).toBe(
      "run only the first N problems, at most 100000 (default: all of a dataset file; a lab dataset generates N, default 200)",
    );
  });
});
