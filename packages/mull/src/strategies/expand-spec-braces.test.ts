import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { expandSpecBraces, expandSpecList } from "./expand-spec-braces.ts";

describe("expandSpecBraces", () => {
  it("takes every alternative of each group, the last group fastest", () => {
    expect(expandSpecBraces("gen@{4,8}+{verify,test}+vote")).toEqual([
      "gen@4+verify+vote",
      "gen@4+test+vote",
      "gen@8+verify+vote",
      "gen@8+test+vote",
    ]);
    expect(expandSpecBraces("sc@8")).toEqual(["sc@8"]);
    // An empty alternative makes a layer optional.
    expect(expandSpecBraces("gen@8{,+verify}+vote")).toEqual(["gen@8+vote", "gen@8+verify+vote"]);
  });

  it("refuses unbalanced or nested braces and too large an expansion, naming the pattern", () => {
    for (const [pattern, problem] of [
      ["sc@{4,8", 'a "{" without its "}" (the "{" at position 4, never closed)'],
      ["gen@{4,8}+{verify,test+vote", 'a "{" without its "}" (the "{" at position 11, never closed)'],
      ["sc@4,8}", 'a "}" without its "{" (at position 7)'],
      ["sc@{4,{8}}", 'a brace group inside another (the "{" at position 7)'],
    ] as const) {
      const error = (() => {
        try {
          expandSpecBraces(pattern);
        } catch (thrown) {
          return thrown;
        }
      })();
      expect(ConfigError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ field: "strategy" });
      expect((error as Error).message).toContain(`${JSON.stringify(pattern)} has ${problem}`);
    }
    const huge = "gen@{1,2,3,4,5,6,7,8,9,10}+{a,b,c,d,e,f,g,h,i,j}+{a,b,c,d,e,f,g,h,i,j}+{a,b}";
    expect(() => expandSpecBraces(huge)).toThrow("2000 specs, more than 1024");
  });

  it("names a pattern that is not text", () => {
    const error = (() => {
      try {
        (expandSpecBraces as (pattern?: unknown) => unknown)();
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field: "pattern" });
    expect((error as Error).message).toBe(
      'expandSpecBraces: pattern must be a spec pattern (a string such as "sc@{4,8}"), got undefined',
    );
  });
});

describe("expandSpecList", () => {
  it("splits at the commas outside braces and expands each item", () => {
    expect(expandSpecList(" greedy , sc@{4,8},gen@{2,3}(lab-small)+vote")).toEqual([
      "greedy",
      "sc@4",
      "sc@8",
      "gen@2(lab-small)+vote",
      "gen@3(lab-small)+vote",
    ]);
  });

  it("refuses an empty item, naming its position", () => {
    expect(() => expandSpecList("greedy,,sc@8")).toThrow(
      'strategy: the second item of "greedy,,sc@8" is empty; expected a comma-separated list without empty items',
    );
    expect(() => expandSpecList("greedy,sc@{4,8},")).toThrow('the third item of "greedy,sc@{4,8}," is empty');
  });

  it("names a list that is not text", () => {
    expect(() => expandSpecList(["greedy", "sc@8"] as never)).toThrow(
      'expandSpecList: list must be a comma-separated list of spec patterns (a string such as "greedy,sc@{4,8}"), got ["greedy","sc@8"]',
    );
  });
});
