import { describe, expect, it } from "vitest";
import { extractLabAnswer } from "./extract-lab-answer.ts";

describe("extractLabAnswer", () => {
  it("reads the integer after the first ####", () => {
    expect(extractLabAnswer("\n30+444=474\n474+273=747\n#### 747")).toBe("747");
    expect(extractLabAnswer("####12\n#### 13")).toBe("12");
    expect(extractLabAnswer("#### 007")).toBe("7");
    expect(extractLabAnswer("\n30+444=474\n474+273=")).toBeUndefined();
    expect(extractLabAnswer("#### ")).toBeUndefined();
  });
});
