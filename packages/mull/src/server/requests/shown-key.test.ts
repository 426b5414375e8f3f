import { describe, expect, it } from "vitest";
import { shownKey } from "./shown-key.ts";

describe("shownKey", () => {
  it("repeats a key of up to 16 characters, a typo such as nn included", () => {
    expect(shownKey("nn", "an unknown key")).toBe("nn");
    expect(shownKey("sixteen-chars-ok")).toBe("sixteen-chars-ok");
  });

  it("describes a longer key by its length only, never repeating it", () => {
    expect(shownKey("seventeen-chars-x")).toBe("(a key of 17 characters)");
    expect(shownKey("sk-CANARY-paste-abcdef123", "an unknown key")).toBe("(an unknown key of 25 characters)");
  });
});
