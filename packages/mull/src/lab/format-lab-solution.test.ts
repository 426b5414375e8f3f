import { describe, expect, it } from "vitest";
import {
  formatLabPrompt,
  formatLabQuestion,
  formatLabSolution,
  formatLabSteps,
} from "./format-lab-solution.ts";
import { labChainValues } from "./lab-chain.ts";

describe("lab formats", () => {
  const chain = { operands: [30, 444, 273, 5], operators: ["+", "+", "-"] as const };

  it("matches the documented training format", () => {
    expect(formatLabQuestion(chain)).toBe("30+444+273-5=?");
    expect(formatLabPrompt(chain)).toBe("Q: 30+444+273-5=? A:");
    expect(formatLabSteps(chain)).toEqual(["30+444=474", "474+273=747", "747-5=742"]);
    expect(formatLabSolution(chain)).toBe("\n30+444=474\n474+273=747\n747-5=742\n#### 742");
  });

  it("computes the running values", () => {
    expect(labChainValues(chain)).toEqual([30, 474, 747, 742]);
    expect(labChainValues({ operands: [], operators: [] })).toEqual([]);
  });
});
