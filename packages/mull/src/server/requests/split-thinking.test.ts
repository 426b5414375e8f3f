import { describe, expect, it } from "vitest";
import { answerFormatByName } from "../../answers/index.ts";
import { splitThinking, withoutThinking } from "./split-thinking.ts";

describe("splitThinking", () => {
  it.each([
    ["<think>6 × 7 = 42</think>\nIt is 42.", { reasoning: "6 × 7 = 42", answer: "It is 42." }],
    ["  <think>a</think>b", { reasoning: "a", answer: "b" }],
    // DeepSeek-R1's template opens the block in the prompt: the text only closes it.
    ["thinking on</think>\n\nIt is 42.", { reasoning: "thinking on", answer: "It is 42." }],
    ["<think>still thinking", { reasoning: "still thinking", answer: "" }],
    ["It is 42.", { reasoning: undefined, answer: "It is 42." }],
    // A block after some answer text is not a leading block: the text stays whole.
    ["Answer first <think>x</think> y", { reasoning: undefined, answer: "Answer first <think>x</think> y" }],
  ])("splits %j", (text, expected) => {
    expect(splitThinking(text)).toEqual(expected);
  });

  it("reads the answer after the block only", () => {
    const format = withoutThinking(answerFormatByName("numeric"));
    expect(format.extract("<think>#### 41</think>\n#### 42")).toBe("42");
    expect(format.extract("<think>#### 41")).toBeUndefined();
    expect(format.key("42.0")).toBe(answerFormatByName("numeric").key("42.0"));
    expect(format.name).toBe("numeric");
  });
});
