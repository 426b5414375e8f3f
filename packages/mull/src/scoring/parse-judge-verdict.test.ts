import { describe, expect, it } from "vitest";
import { parseJudgeVerdict } from "./parse-judge-verdict.ts";

describe("parseJudgeVerdict", () => {
  it.each([
    ["The algebra is right.\nScore: 7/10", 0.7],
    ["Score: **9**/10", 0.9],
    ["rating = 8 out of 10", 0.8],
    ["Score: 85", 0.85],
    ["score: 0.3", 0.3],
    ["Score: 6", 0.6],
    ["Looks right. Score: 1", 1],
    ["I'd give it 4/5.", 0.8],
    ["First I thought 3/10, but on reflection: Score: 10/10", 1],
    ["Verdict: YES", 1],
    ["The final answer is incorrect.", 0],
    ["The answer is not correct.", 0],
    ["Is it correct? Let me check... no.", 0],
    ["Looks wrong at first, but it is correct.", 1],
    ["Score: 12/10", 1],
    ["I'd give it 12/10", 1],
  ])("reads %j as %d", (reply, value) => {
    expect(parseJudgeVerdict(reply)?.value).toBeCloseTo(value, 12);
  });

  it("prefers an explicit score to a verdict word, and finds none in a reply without a verdict", () => {
    expect(parseJudgeVerdict("Correct reasoning overall. Score: 2/10")?.value).toBeCloseTo(0.2, 12);
    expect(parseJudgeVerdict("The ratio 3/4 appears in step 2. The answer is correct.")?.value).toBe(1);
    expect(parseJudgeVerdict("I cannot tell.")).toBeUndefined();
  });
});
