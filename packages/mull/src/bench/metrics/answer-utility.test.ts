import { describe, expect, it } from "vitest";
import { answerUtility } from "./answer-utility.ts";

describe("answerUtility", () => {
  it("gives 1 per right answer, −cost per wrong one and 0 per unanswered problem, per problem", () => {
    expect(answerUtility({ right: 97, wrong: 0, problems: 120 }, 1)).toBeCloseTo(97 / 120, 15);
    expect(answerUtility({ right: 101, wrong: 19, problems: 120 }, 1)).toBeCloseTo(82 / 120, 15);
    expect(answerUtility({ right: 1, wrong: 1, problems: 3 }, 4)).toBeCloseTo(-1, 15);
    // At cost 0 it is the accuracy.
    expect(answerUtility({ right: 2.5, wrong: 0.5, problems: 4 }, 0)).toBe(0.625);
  });
});
