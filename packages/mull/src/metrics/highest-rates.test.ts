import { describe, expect, it } from "vitest";
import { highestRates } from "./highest-rates.ts";

describe("highestRates", () => {
  const javascript = { flopsPerSecond: 4e9, bytesPerSecond: 25e9, source: "JavaScript" };
  const llamaCpp = { flopsPerSecond: 12e9, bytesPerSecond: 1e9, source: "llama.cpp" };

  it("takes each rate from the measurement that reached more, and names both sources", () => {
    expect(highestRates([javascript, llamaCpp])).toEqual({
      flopsPerSecond: 12e9,
      bytesPerSecond: 25e9,
      source: "FLOP/s llama.cpp; bandwidth JavaScript",
    });
  });

  it("keeps one source when one measurement reached both, and is undefined without any", () => {
    const faster = { flopsPerSecond: 20e9, bytesPerSecond: 30e9, source: "llama.cpp" };
    expect(highestRates([javascript, faster])).toEqual(faster);
    expect(highestRates([javascript])).toEqual(javascript);
    expect(highestRates([])).toBeUndefined();
  });
});
