import { describe, expect, it } from "vitest";
import { counted } from "./counted.ts";

describe("counted", () => {
  it("puts the noun in the singular for one, in the plural for any other count", () => {
    expect(counted(1, "call")).toBe("1 call");
    expect(counted(3, "sample")).toBe("3 samples");
    expect(counted(0, "candidate")).toBe("0 candidates");
  });
});
