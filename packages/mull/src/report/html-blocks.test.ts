import { describe, expect, it } from "vitest";
import { table } from "./html-blocks.ts";

describe("table", () => {
  it("keeps short cells on one line and lets long ones wrap", () => {
    const html = table(
      ["strategy", "accuracy", "verifier"],
      [["sc@8", "83.3% (10)", "0.0% (0 of 11 accepted)"]],
      "cost",
    );
    expect(html).toContain(
      '<th scope="row">sc@8</th><td>83.3% (10)</td><td class="long">0.0% (0 of 11 accepted)</td>',
    );
    expect(html.startsWith('<table class="cost">')).toBe(true);
  });

  it("sets a table of ten or more columns smaller", () => {
    const header = Array.from({ length: 10 }, (_, index) => `column ${index}`);
    expect(table(header, [], "cost").startsWith('<table class="cost wide">')).toBe(true);
    expect(table(header.slice(1), [], "cost").startsWith('<table class="cost">')).toBe(true);
  });
});
