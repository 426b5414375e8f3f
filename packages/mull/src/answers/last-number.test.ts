import { describe, expect, it } from "vitest";
import { lastNumber } from "./last-number.ts";

describe("lastNumber", () => {
  it("keeps commas, decimals and the sign, drops a closing period", () => {
    expect(lastNumber("She pays $1,250.50 in total.")).toBe("1,250.50");
    expect(lastNumber("The change is 5-8=-3.")).toBe("-3");
    expect(lastNumber("37+48=85\n85-19=66")).toBe("66");
  });

  it("reads fractions and dates whole", () => {
    expect(lastNumber("so it is 3/4 of the cake")).toBe("3/4");
    expect(lastNumber("Today is 05/01/2021")).toBe("05/01/2021");
  });

  it("does not read a hyphen between numbers as a sign", () => {
    expect(lastNumber("pages 12-15")).toBe("15");
  });

  it("finds nothing in a text without digits", () => {
    expect(lastNumber("no numbers here.")).toBeUndefined();
  });
});
