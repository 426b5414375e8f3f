import { describe, expect, it } from "vitest";
import { parseReplayStrategies, parseReplayStrategy } from "./replay-strategy.ts";

describe("parseReplayStrategy", () => {
  it("reads kind and k", () => {
    expect(parseReplayStrategy(" wv-prob@16 ")).toEqual({ name: "wv-prob@16", kind: "wv-prob", k: 16 });
    expect(parseReplayStrategies("maj@40, rm@8,,mean@1").map((strategy) => strategy.name)).toEqual([
      "maj@40",
      "rm@8",
      "mean@1",
    ]);
  });

  it("names the flag and the value when a spec is malformed", () => {
    expect(() => parseReplayStrategy("maj@0")).toThrow(/--strategies: "maj@0" is not a replay strategy/);
    expect(() => parseReplayStrategy("vote@3")).toThrow(/"vote@3".*maj, rm, bon, wv, wv-prob, mean, pass/);
    expect(() => parseReplayStrategy("maj8")).toThrow(/"maj8"/);
    expect(() => parseReplayStrategies(" , ")).toThrow(/--strategies: no strategies/);
  });
});
