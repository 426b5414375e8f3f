import { ConfigError } from "mull/errors";
import { describe, expect, it } from "vitest";
import { canSharePrefix, type PrefixSharingSequence, sharePrefix } from "./share-prefix.ts";

class FakeSequence implements PrefixSharingSequence {
  contextTokens: number[];
  cleared = 0;
  constructor(tokens: number[]) {
    this.contextTokens = tokens;
  }
  get nextTokenIndex(): number {
    return this.contextTokens.length;
  }
  async clearHistory(): Promise<void> {
    this.cleared += 1;
    this.contextTokens = [];
  }
}

class CopyingSequence extends FakeSequence {
  result: "copy" | "refuse" | "throw" = "copy";
  async _copyStateFromOtherSequence(source: PrefixSharingSequence, upTo: number): Promise<boolean> {
    if (this.result === "throw") throw new Error("native failure");
    this.contextTokens = source.contextTokens.slice(0, this.result === "copy" ? upTo : upTo - 1);
    return this.result === "copy";
  }
}

describe("sharePrefix", () => {
  it("copies a prefix through node-llama-cpp's internal method", async () => {
    const source = new FakeSequence([1, 2, 3, 4, 5]);
    const target = new CopyingSequence([9]);
    expect(canSharePrefix(target)).toBe(true);
    expect(await sharePrefix(source, target, 3)).toBe(true);
    expect(target.contextTokens).toEqual([1, 2, 3]);
  });

  it("returns false, untouched, when the method is missing", async () => {
    const target = new FakeSequence([9]);
    expect(canSharePrefix(target)).toBe(false);
    expect(await sharePrefix(new FakeSequence([1, 2, 3]), target, 2)).toBe(false);
    expect(target.contextTokens).toEqual([9]);
    expect(target.cleared).toBe(0);
  });

  it("clears the target when the copy fails or throws", async () => {
    for (const result of ["refuse", "throw"] as const) {
      const target = new CopyingSequence([9, 9]);
      target.result = result;
      expect(await sharePrefix(new FakeSequence([1, 2, 3]), target, 3)).toBe(false);
      expect(target.contextTokens).toEqual([]);
      expect(target.cleared).toBe(1);
    }
  });

  it("refuses a prefix longer than the source holds, and a negative length", async () => {
    const target = new CopyingSequence([]);
    expect(await sharePrefix(new FakeSequence([1, 2]), target, 3)).toBe(false);
    const negative = sharePrefix(new FakeSequence([1]), target, -1);
    await expect(negative).rejects.toThrow(ConfigError);
    await expect(negative).rejects.toThrow("sharePrefix: prefixLength must be an integer ≥ 0, got -1");
  });
});
