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

  it("pairs tokens spelled alike by their ids, where pairing by probability order would cross them", () => {
    // Two byte tokens (the embedded backend spells them U+FFFD, the server "") and two tokens decoding to
    // the same text "a", each pair in the opposite order of probability on the two sides.
    const left = [
      { token: "\uFFFD", logprob: -2, id: 10 },
      { token: "\uFFFD", logprob: -3, id: 11 },
      { token: "a", logprob: -1, id: 1 },
      { token: "a", logprob: -4, id: 2 },
    ];
    const right = [
      { token: "", logprob: -1.9, id: 11 },
      { token: "", logprob: -3.1, id: 10 },
      { token: "a", logprob: -1.1, id: 2 },
      { token: "a", logprob: -4.2, id: 1 },
    ];
    const pairs = matchAlternatives(left, right);
    expect(pairs).toHaveLength(4);
    for (const pair of pairs) {
      expect(left[pair.left ?? -1]?.id, JSON.stringify(pair)).toBe(right[pair.right ?? -1]?.id);
    }
    expect(pairs).toContainEqual({ key: "id 10", left: 0, right: 1 });
    expect(pairs).toContainEqual({ key: "id 1", left: 2, right: 3 });
    // Without the ids the same lists pair the most likely of each spelling together: the wrong tokens.
    const byText = matchAlternatives(
      left.map(({ token, logprob }) => ({ token, logprob })),
      right.map(({ token, logprob }) => ({ token, logprob })),
    );
    expect(byText).toContainEqual({ key: unnamedToken, left: 0, right: 0 });
    expect(byText).toContainEqual({ key: "a", left: 2, right: 2 });
  });

  it("leaves an id its own pair and the other side's tokens unpaired where the ids differ", () => {
    const pairs = matchAlternatives(
      [
        { token: "\uFFFD", logprob: -1, id: 3 },
        { token: "x", logprob: -2, id: 7 },
      ],
      [
        { token: "", logprob: -1, id: 4 },
        { token: "x", logprob: -2, id: 7 },
      ],
    );
    expect(pairs).toEqual([
      { key: "id 3", left: 0, right: undefined },
      { key: "id 4", left: undefined, right: 0 },
      { key: "id 7", left: 1, right: 1 },
    ]);
  });

  it("pairs by text when either side lacks ids, or when the ids name different texts (another vocabulary)", () => {
    const withIds = [
      { token: "1", logprob: -0.1, id: 5 },
      { token: "</s>", logprob: -2.5, id: 2 },
    ];
    const expected = [
      { key: unnamedToken, left: 1, right: 1 },
      { key: "1", left: 0, right: 0 },
    ];
    expect(
      matchAlternatives(
        withIds,
        list([
          ["1", -0.1],
          ["", -2.5],
        ]),
      ),
    ).toEqual(expected);
    expect(
      matchAlternatives(withIds, [
        { token: "1", logprob: -0.1 },
        { token: "", logprob: -2.5, id: 2 },
      ]),
    ).toEqual(expected);
    // Id 5 is "1" on the left but "7" on the right: the ids do not name the same tokens.
    const otherVocabulary = matchAlternatives(withIds, [
      { token: "1", logprob: -0.1, id: 9 },
      { token: "7", logprob: -1, id: 5 },
      { token: "", logprob: -2.5, id: 2 },
    ]);
    expect(otherVocabulary).toEqual([
      { key: unnamedToken, left: 1, right: 2 },
      { key: "1", left: 0, right: 0 },
      { key: "7", left: undefined, right: 1 },
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
