import { describe, expect, it } from "vitest";
import { listFlag } from "./list-flag.ts";

describe("listFlag", () => {
  it("splits at commas and trims each item", () => {
    expect(listFlag("bench:search", "--n", "4, 8 ,16")).toEqual(["4", "8", "16"]);
    expect(listFlag("bench:search", "--prms", "noisy")).toEqual(["noisy"]);
  });

  it("refuses an empty value or an empty item, naming the owner, the flag, the value and the item's position", () => {
    const expected = "expected a comma-separated list without empty items";
    expect(() => listFlag("bench:search", "--n", "4,,8")).toThrow(
      `bench:search: --n: the second item of "4,,8" is empty; ${expected}`,
    );
    expect(() => listFlag("bench:search", "--n", "4,")).toThrow(
      `bench:search: --n: the second item of "4," is empty; ${expected}`,
    );
    for (const text of ["", " , "]) {
      expect(() => listFlag("bench:search", "--n", text)).toThrow(
        `bench:search: --n: no items in ${JSON.stringify(text)}; ${expected}`,
      );
    }
  });
});
