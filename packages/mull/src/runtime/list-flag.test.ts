import { describe, expect, it } from "vitest";
import { listFlag } from "./list-flag.ts";

describe("listFlag", () => {
  it("splits at commas and trims each item", () => {
    expect(listFlag("bench:search", "--n", "4, 8 ,16")).toEqual(["4", "8", "16"]);
    expect(listFlag("bench:search", "--prms", "noisy")).toEqual(["noisy"]);
  });

  it("refuses an empty value or an empty item, naming the flag and the value", () => {
    for (const text of ["", "4,,8", "4,", " , "]) {
      expect(() => listFlag("bench:search", "--n", text)).toThrow(
        `bench:search: --n must be a comma-separated list without empty items, got ${JSON.stringify(text)}`,
      );
    }
  });
});
