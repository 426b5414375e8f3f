import { describe, expect, it } from "vitest";
import { cueTokensAtMost } from "./cue-tokens.ts";

describe("cueTokensAtMost", () => {
  it("bounds a cue's tokens by its UTF-8 bytes, since a token covers at least one", () => {
    expect(cueTokensAtMost("\nWait")).toBe(5);
    expect(cueTokensAtMost("\n\nFinal answer: ")).toBe(16);
    expect(cueTokensAtMost("\n→ ")).toBe(5);
    expect(cueTokensAtMost("")).toBe(0);
  });
});
