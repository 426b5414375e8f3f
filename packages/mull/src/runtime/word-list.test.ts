import { describe, expect, it } from "vitest";
import { wordList } from "./word-list.ts";

describe("wordList", () => {
  it("joins with commas and the conjunction before the last item, without a comma before it", () => {
    expect(wordList(["a", "b", "c"], "and")).toBe("a, b and c");
    expect(wordList(['"a"', '"b"', '"c"', '"d"'], "or")).toBe('"a", "b", "c" or "d"');
  });

  it("joins two items with the conjunction alone", () => {
    expect(wordList(["describe", "generate"], "and")).toBe("describe and generate");
    expect(wordList(["first", "random"], "or")).toBe("first or random");
  });

  it("gives one item as it is, and no items as empty", () => {
    expect(wordList(["now"], "and")).toBe("now");
    expect(wordList([], "or")).toBe("");
  });
});
