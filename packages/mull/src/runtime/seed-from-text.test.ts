import { describe, expect, it } from "vitest";
import { seedFromText } from "./seed-from-text.ts";

describe("seedFromText", () => {
  it("is FNV-1a over the text, halved to 31 bits", () => {
    // FNV-1a of "" is the offset basis 0x811c9dc5; of "a", 0xe40c292c.
    expect(seedFromText("")).toBe(0x811c9dc5 >>> 1);
    expect(seedFromText("a")).toBe(0xe40c292c >>> 1);
    expect(seedFromText("a")).toBe(seedFromText("a"));
    expect(seedFromText("a")).not.toBe(seedFromText("b"));
    expect(seedFromText("some longer text")).toBeLessThan(2 ** 31);
  });
});
