import { describe, expect, it } from "vitest";
import { formLetters } from "./form-letters.ts";

describe("formLetters", () => {
  it("lists each single capital once, in the order the forms first name it", () => {
    expect(formLetters(["beam-laL@NxM", "beam@NxM"])).toEqual(["L", "N", "M"]);
    expect(formLetters(["greedy"])).toEqual([]);
  });

  it("leaves out the words of a wrapper's forms", () => {
    expect(formLetters(["asc(INNER)", "asc(INNER)dtT", "esc(INNER)wW"])).toEqual(["T", "W"]);
  });
});
