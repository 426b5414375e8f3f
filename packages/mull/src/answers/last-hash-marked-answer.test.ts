import { describe, expect, it } from "vitest";
import { lastHashMarkedAnswer } from "./last-hash-marked-answer.ts";

describe("lastHashMarkedAnswer", () => {
  it("takes the last #### line", () => {
    expect(lastHashMarkedAnswer("#### 3\nwait\n#### 1,000.\n")).toBe("1,000");
  });

  it("skips markdown headings", () => {
    const text = "#### 12\n#### Step 1: Add\n3 + 4 = 7\n#### Final Answer\n\\boxed{7}\n#### 2. Check the sum";
    expect(lastHashMarkedAnswer(text)).toBe("12");
    expect(lastHashMarkedAnswer("#### **Step 2:**\n")).toBeUndefined();
  });

  it("skips an empty marker and finds nothing without one", () => {
    expect(lastHashMarkedAnswer("#### 7\n####\n")).toBe("7");
    expect(lastHashMarkedAnswer("the answer is 7")).toBeUndefined();
  });
});
