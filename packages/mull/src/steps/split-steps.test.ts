import { describe, expect, it } from "vitest";
import { checkLabSteps, formatLabSolution, generateLabProblems, labChainOf } from "../lab/index.ts";
import { joinSteps } from "./join-steps.ts";
import { splitSteps } from "./split-steps.ts";
import { stepFormat } from "./step-format.ts";

describe("splitSteps", () => {
  it("cuts a lab completion into its lines, the #### line last", () => {
    expect(splitSteps("\n30+444=474\n474+273=747\n#### 747")).toEqual([
      "30+444=474",
      "474+273=747",
      "#### 747",
    ]);
  });

  it("gives the answer marker a step of its own and drops blank pieces", () => {
    expect(splitSteps("  a = 1  \n\n\nso b = 2. #### 2\n")).toEqual(["a = 1", "so b = 2.", "#### 2"]);
  });

  it("splits on another delimiter, keeping single newlines inside a step", () => {
    const paragraphs = stepFormat({ delimiter: "\n\n" });
    expect(splitSteps("First,\nwe add.\n\nThen subtract.\n\n#### 3", paragraphs)).toEqual([
      "First,\nwe add.",
      "Then subtract.",
      "#### 3",
    ]);
    expect(paragraphs.isFinal("#### 3")).toBe(true);
    expect(paragraphs.isFinal("Then subtract.")).toBe(false);
    expect(() => stepFormat({ delimiter: "" })).toThrow(/delimiter/);
  });

  it("round-trips with joinSteps on real lab solutions, which the step checker accepts", () => {
    for (const problem of generateLabProblems({ level: 6, count: 20, seed: 3 })) {
      const text = formatLabSolution(labChainOf(problem));
      const steps = splitSteps(text);
      expect(steps).toHaveLength(7);
      expect(joinSteps(steps, "text")).toBe(text);
      expect(checkLabSteps(problem, steps).every(Boolean)).toBe(true);
    }
    expect(joinSteps(["a", "b"], "chat", stepFormat({ delimiter: "\n\n" }))).toBe("a\n\nb");
  });
});
