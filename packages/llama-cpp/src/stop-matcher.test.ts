import { describe, expect, it } from "vitest";
import { createStopMatcher } from "./stop-matcher.ts";

describe("createStopMatcher", () => {
  it("finds the earliest stop string, including one that spans pieces", () => {
    const matcher = createStopMatcher(["####", "\n\n"]);
    expect(matcher.find("12+3=15\n##", 0)).toBeUndefined();
    expect(matcher.find("12+3=15\n####", 10)).toBe(8);
    expect(matcher.find("a\n\nb####", 0)).toBe(1);
  });

  it("ignores empty stop strings and matches nothing without stops", () => {
    expect(createStopMatcher([""]).find("anything", 0)).toBeUndefined();
    expect(createStopMatcher([]).find("anything", 0)).toBeUndefined();
  });

  it("only looks where the newest piece can complete a match", () => {
    const matcher = createStopMatcher(["ab"]);
    // "ab" lies wholly inside text already checked, so it is not reported again.
    expect(matcher.find("xxabxx", 6)).toBeUndefined();
    expect(matcher.find("xxxxxa" + "b", 6)).toBe(5);
  });
});
