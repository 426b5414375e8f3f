import { describe, expect, it } from "vitest";
import { commonPrefixLength } from "./common-prefix-length.ts";
import { type PoolLoad, pickEngine } from "./pick-engine.ts";

function pool(load: number, cached: readonly number[] = []): PoolLoad {
  return { load, cachedPrefixLength: (tokens) => commonPrefixLength(cached, tokens) };
}

describe("pickEngine", () => {
  it("sends a call to the least loaded context, the first on a tie", () => {
    // Without a tie the prompt is not tokenized at all.
    const untouched = () => {
      throw new Error("tokenized without a tie");
    };
    expect(pickEngine([pool(3), pool(1)], untouched)).toBe(1);
    expect(pickEngine([pool(2), pool(2), pool(4)], () => [1, 2, 3])).toBe(0);
    expect(pickEngine([pool(2), pool(2)], () => undefined)).toBe(0);
  });

  it("prefers, among the least loaded, the context caching the longest prefix of the prompt", () => {
    const prompt = [1, 2, 3, 4, 5, 6];
    expect(pickEngine([pool(1, [1, 2]), pool(1, [1, 2, 3, 4, 5]), pool(1, [1, 2, 3])], () => prompt)).toBe(1);
    expect(pickEngine([pool(0), pool(1, [1, 2, 3, 4, 5, 6])], () => prompt)).toBe(0);
  });
});
