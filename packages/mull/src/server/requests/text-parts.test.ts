import { describe, expect, it } from "vitest";
import { joinTextParts } from "./text-parts.ts";

describe("joinTextParts", () => {
  it("puts each part on its own line, in order", () => {
    expect(joinTextParts(["Hello", "world"])).toBe("Hello\nworld");
    expect(joinTextParts(["a", "", "c"])).toBe("a\n\nc");
  });

  it("keeps a single part, and no parts, as they are", () => {
    expect(joinTextParts(["Hello"])).toBe("Hello");
    expect(joinTextParts([])).toBe("");
  });
});
