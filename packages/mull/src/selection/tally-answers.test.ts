import { describe, expect, it } from "vitest";
import type { AnswerFormat, Candidate } from "../spec/index.ts";
import { tallyAnswers } from "./tally-answers.ts";

const trimmed: AnswerFormat = {
  name: "t",
  extract: (t) => t,
  key: (a) => a.trim(),
  equivalent: (a, b) => a === b,
};

describe("tallyAnswers", () => {
  it("counts candidates per answer key and skips those without an answer", () => {
    const pool = ["7", " 7", undefined, "8", "__proto__"].map(
      (answer, index): Candidate => ({
        id: `c${index}`,
        text: "",
        answer,
        finishReason: "stop",
        completionTokens: 1,
        scores: [],
      }),
    );
    const tally = tallyAnswers(pool, trimmed);
    expect(tally).toEqual({ "7": 2, "8": 1, ["__proto__"]: 1 });
    expect(Object.keys(tally)).toEqual(["7", "8", "__proto__"]);
  });
});
