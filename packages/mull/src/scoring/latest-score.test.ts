import { describe, expect, it } from "vitest";
import type { Candidate } from "../spec/index.ts";
import { latestScore } from "./latest-score.ts";

describe("latestScore", () => {
  it("returns the most recent score, or the most recent from a named scorer", () => {
    const candidate: Candidate = {
      id: "n1",
      text: "",
      answer: undefined,
      finishReason: "stop",
      completionTokens: undefined,
      scores: [
        { scorer: "judge", kind: "judge", value: 0.2 },
        { scorer: "checker", kind: "outcome", value: 1 },
        { scorer: "judge", kind: "judge", value: 0.6 },
      ],
    };
    expect(latestScore(candidate)).toBe(0.6);
    expect(latestScore(candidate, "checker")).toBe(1);
    expect(latestScore(candidate, "reward")).toBeUndefined();
    expect(latestScore({ ...candidate, scores: [] })).toBeUndefined();
  });
});
