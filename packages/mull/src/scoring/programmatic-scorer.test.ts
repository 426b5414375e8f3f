import { describe, expect, it } from "vitest";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import { programmaticScorer } from "./programmatic-scorer.ts";

describe("programmaticScorer", () => {
  it("scores booleans as 1/0, passes numbers through, and makes no calls", async () => {
    const checker = programmaticScorer({
      name: "checker",
      check: (problem, solution) =>
        solution.answer === undefined ? -1 : solution.answer === String(problem.metadata?.expected),
    });
    const batch = await checker.score({ question: "2+2", metadata: { expected: 4 } }, [
      { text: "#### 4", answer: "4" },
      { text: "#### 5", answer: "5" },
      { text: "hmm", answer: undefined },
    ]);
    expect(batch.scores.map((score) => score.value)).toEqual([1, 0, -1]);
    expect(batch.scores.every((score) => score.scorer === "checker" && score.kind === "outcome")).toBe(true);
    expect(batch.calls).toBe(0);
  });

  it("accepts async checks and rejects results that are not numbers", async () => {
    const slow = programmaticScorer({ name: "slow", check: async () => 0.25 });
    expect((await slow.score({ question: "q" }, [{ text: "", answer: undefined }])).scores[0]!.value).toBe(
      0.25,
    );
    const broken = programmaticScorer({ name: "broken", check: () => Number.NaN });
    await expect(broken.score({ question: "q" }, [{ text: "", answer: undefined }])).rejects.toThrow(
      /scorer "broken": check returned NaN/,
    );
  });

  it("names its options object and its check when called from plain JavaScript without them", () => {
    const untyped = programmaticScorer as (...given: unknown[]) => unknown;
    const nothing = thrownConfigError(() => untyped());
    expect(nothing.message).toBe(
      "programmaticScorer: expected an options object { name, check, … }; got undefined",
    );
    expect(nothing.field).toBe("options");
    const malformed = thrownConfigError(() => untyped({ name: "checker" }));
    expect(malformed.message).toBe(
      "programmaticScorer: check: missing; expected a function of the problem and a solution",
    );
    expect(malformed.field).toBe("check");
  });
});
