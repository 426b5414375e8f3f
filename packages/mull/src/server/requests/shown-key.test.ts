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
    expect(shownKey("skCANARYpasteabcdef123")).toBe("(a key of 22 characters)");
  });

  it("repeats lowercase words joined by underscores, up to 64 characters: a parameter name, which no key looks like", () => {
    expect(shownKey("continue_final_message", "an unknown key")).toBe("continue_final_message");
    expect(shownKey(`a${"_b".repeat(40)}`)).toBe("(a key of 81 characters)");
    expect(shownKey("Continue_Final_Message")).toBe("(a key of 22 characters)");
    expect(shownKey("sk_test_abcdef0123456789")).toBe("(a key of 24 characters)");
  });
});
