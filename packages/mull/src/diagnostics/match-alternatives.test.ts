import { describe, expect, it } from "vitest";
import { isUnnamedToken, matchAlternatives, unnamedToken } from "./match-alternatives.ts";
import { embeddedPositions, serverPositions } from "./recorded-alternatives.test-support.ts";

const list = (entries: [string, number][]) => entries.map(([token, logprob]) => ({ token, logprob }));

describe("isUnnamedToken", () => {
  it("takes empty texts, lone bytes and control markers as unnamed, and text tokens as named", () => {
    for (const text of ["", "\uFFFD", "a\uFFFD", "</s>", "<s>", "<unk>", "<|im_end|>", "<eos>"]) {
      expect(isUnnamedToken(text), JSON.stringify(text)).toBe(true);
    }
    for (const text of ["7", "<", " <", "< s>", "\n", "\u0000", "s>", "<a b>"]) {
      expect(isUnnamedToken(text), JSON.stringify(text)).toBe(false);
    }
  });
});

describe("matchAlternatives", () => {
  it("pairs end-of-sequence spelled </s> on one side and empty on the other", () => {
    const pairs = matchAlternatives(
      list([
        ["1", -0.1],
        ["</s>", -2.5],
      ]),
      list([
        ["1", -0.1],
        ["", -2.5],
      ]),
    );
    expect(pairs).toEqual([
      { key: unnamedToken, left: 1, right: 1 },
      { key: "1", left: 0, right: 0 },
    ]);
  });

  it("keeps every unnamed alternative apart, pairing them most likely first and leaving the surplus alone", () => {
    const pairs = matchAlternatives(
      list([
        ["a", -0.1],
        ["\uFFFD", -5],
        ["", -3],
      ]),
      list([
        ["", -3.1],
        ["\uFFFD", -5.2],
        ["", -7],
        ["b", -8],
      ]),
    );
    expect(pairs).toEqual([
      { key: unnamedToken, left: 2, right: 0 },
      { key: unnamedToken, left: 1, right: 1 },
      { key: unnamedToken, left: undefined, right: 2 },
      { key: "a", left: 0, right: undefined },
      { key: "b", left: undefined, right: 3 },
    ]);
  });

  it("matches every alternative of a real server's top 20 with the embedded backend's", () => {
    for (const [index, embedded] of embeddedPositions.entries()) {
      const server = serverPositions[index];
      const pairs = matchAlternatives(embedded.topLogprobs ?? [], server?.topLogprobs ?? []);
      expect(pairs).toHaveLength(20);
      for (const pair of pairs) {
        const left = embedded.topLogprobs?.[pair.left ?? -1]?.logprob;
        const right = server?.topLogprobs?.[pair.right ?? -1]?.logprob;
        expect(Math.abs((left ?? Number.NaN) - (right ?? Number.NaN))).toBeLessThan(0.01);
      }
    }
  });
});
