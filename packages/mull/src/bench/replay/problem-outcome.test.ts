import { describe, expect, it } from "vitest";
import { averageOutcomes, type ProblemOutcome } from "./problem-outcome.ts";

/** A shuffle's outcome that answered `answer`, every count 1. */
function outcome(answer: string): ProblemOutcome {
  return { score: 0, answer, samples: 1, tokens: 1, characters: 1 };
}

describe("averageOutcomes", () => {
  it("reports the answer returned most often over the shuffles, ties to the one returned first", () => {
    expect(averageOutcomes([outcome("a"), outcome("b")]).answer).toBe("a");
    expect(averageOutcomes([outcome("b"), outcome("a"), outcome("a"), outcome("b")]).answer).toBe("b");
    expect(averageOutcomes([outcome("b"), outcome("a"), outcome("a")]).answer).toBe("a");
  });
});
