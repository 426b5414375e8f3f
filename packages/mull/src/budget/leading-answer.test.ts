import { describe, expect, it } from "vitest";
import { leadingAnswer } from "./leading-answer.ts";

describe("leadingAnswer", () => {
  it("counts present keys, ties to the key seen first", () => {
    expect(leadingAnswer(["3", undefined, "7", "7", "3"])).toEqual({ key: "3", count: 2 });
    expect(leadingAnswer(["7", "3", "3"])).toEqual({ key: "3", count: 2 });
    expect(leadingAnswer([undefined, undefined])).toBeUndefined();
    expect(leadingAnswer([])).toBeUndefined();
    // Keys that are names of Object.prototype count from zero like any other.
    expect(leadingAnswer(["constructor", "constructor", "x"])).toEqual({ key: "constructor", count: 2 });
  });
});
