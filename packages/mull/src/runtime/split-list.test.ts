import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { splitList } from "./split-list.ts";

/** The ConfigError `splitList` throws for `text`. */
function refusal(text: string, options?: Parameters<typeof splitList>[1]): ConfigError {
  try {
    splitList(text, options);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`${JSON.stringify(text)} was accepted`);
}

const expected = "expected a comma-separated list without empty items";

describe("splitList", () => {
  it("splits at commas and trims each item", () => {
    expect(splitList(" 4, 8 ,16")).toEqual(["4", "8", "16"]);
    expect(splitList("noisy")).toEqual(["noisy"]);
  });

  it("keeps commas inside brace groups with their item when asked", () => {
    expect(splitList("greedy, sc@{4,8},gen@{2,3}+vote", { braces: true })).toEqual([
      "greedy",
      "sc@{4,8}",
      "gen@{2,3}+vote",
    ]);
    expect(splitList("sc@{4,8}")).toEqual(["sc@{4", "8}"]);
  });

  it("names the owner, the field, the value and the empty item's position in words", () => {
    const middle = refusal("4,,8", { owner: "bench:search", field: "--n" });
    expect(middle.message).toBe(`bench:search: --n: the second item of "4,,8" is empty; ${expected}`);
    expect(middle.field).toBe("--n");
    expect(refusal(",4", { field: "--k" }).message).toBe(`--k: the first item of ",4" is empty; ${expected}`);
    expect(refusal("4, ").message).toBe(`the second item of "4, " is empty; ${expected}`);
    expect(refusal("4, ").field).toBeUndefined();
    expect(refusal("a,b,c,d,e,f,g,h,i,").message).toContain("the tenth item of");
  });

  it("numbers an empty item past the tenth", () => {
    expect(refusal("a,b,c,d,e,f,g,h,i,j,").message).toBe(
      `item 11 of "a,b,c,d,e,f,g,h,i,j," is empty; ${expected}`,
    );
  });

  it("refuses a list with no items, naming the value", () => {
    for (const text of ["", " , ", ","]) {
      expect(refusal(text, { field: "--n" }).message).toBe(
        `--n: no items in ${JSON.stringify(text)}; ${expected}`,
      );
    }
  });

  it("finds an empty item among brace groups by its position", () => {
    expect(refusal("greedy,sc@{4,8},", { field: "strategy", braces: true }).message).toBe(
      `strategy: the third item of "greedy,sc@{4,8}," is empty; ${expected}`,
    );
  });
});
