import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { generateLabProblems } from "./generate-lab-problems.ts";
import { labOutcomeChecker } from "./lab-outcome-checker.ts";

describe("labOutcomeChecker", () => {
  const checker = labOutcomeChecker();

  it("scores 1 for the right #### answer and 0 otherwise, with no calls", async () => {
    const problem = { question: "30+444+273=?" };
    const batch = await checker.score(problem, [
      { text: "\n30+444=474\n474+273=747\n#### 747", answer: "747" },
      { text: "\n30+444=474\n474+273=647\n#### 647", answer: "647" },
      { text: "\n30+444=474\n474+273=", answer: undefined },
      { text: "\n#### 0747", answer: undefined },
    ]);
    expect(batch.calls).toBe(0);
    expect(batch.scores.map((score) => score.value)).toEqual([1, 0, 0, 1]);
    expect(batch.scores.every((score) => score.kind === "outcome" && score.scorer === "lab-checker")).toBe(
      true,
    );
    expect(batch.scores[1]?.detail).toBe("answer 647, expected 747");
  });

  it("judges the final answer only: a lucky answer after a wrong step still scores 1", async () => {
    const batch = await checker.score({ question: "10+5=?" }, [{ text: "\n10+5=16\n#### 15", answer: "15" }]);
    expect(batch.scores[0]?.value).toBe(1);
  });

  it("computes the truth from the chain, falls back to gold, and to the extracted answer", async () => {
    for (const problem of generateLabProblems({ level: 4, count: 10, seed: 6 })) {
      const right = await checker.score({ question: problem.question }, [
        { text: `#### ${problem.gold}`, answer: undefined },
      ]);
      expect(right.scores[0]?.value).toBe(1);
    }
    const byGold = await checker.score({ question: "what is six times seven", gold: "42" }, [
      { text: "it is 42", answer: "42" },
      { text: "it is 41", answer: "41" },
    ]);
    expect(byGold.scores.map((score) => score.value)).toEqual([1, 0]);
  });

  it("refuses a problem with neither a chain nor a gold answer", async () => {
    await expect(checker.score({ question: "hello" }, [{ text: "#### 1", answer: "1" }])).rejects.toThrow(
      ConfigError,
    );
  });

  it("honours an aborted signal", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      checker.score({ question: "1+1=?" }, [{ text: "#### 2", answer: "2" }], { signal: controller.signal }),
    ).rejects.toThrow();
  });
});
