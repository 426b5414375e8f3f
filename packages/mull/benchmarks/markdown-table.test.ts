import { describe, expect, it } from "vitest";
import { markdownTable } from "./markdown-table.ts";

describe("markdownTable", () => {
  it("writes the header, the separator row Markdown needs, and the rows, each column padded", () => {
    expect(
      markdownTable([
        ["strategy", "accuracy %"],
        ["bild@0.7x0.1", "74.0"],
        ["ab", ""],
      ]),
    ).toBe(
      [
        "| strategy     | accuracy % |",
        "| ------------ | ---------- |",
        "| bild@0.7x0.1 | 74.0       |",
        "| ab           |            |",
      ].join("\n"),
    );
  });

  it("writes nothing for no rows", () => {
    expect(markdownTable([])).toBe("");
  });
});
