import { describe, expect, it } from "vitest";
import { strategyColorScale } from "./strategy-color-scale.ts";

describe("strategyColorScale", () => {
  it("gives a strategy the same colour whichever subset a plot draws", () => {
    const order = ["greedy", "sc@4", "sc@8", "bon@8"];
    const all = strategyColorScale(order);
    const some = strategyColorScale(order, ["bon@8", "sc@4"]);
    expect(some.domain).toEqual(["bon@8", "sc@4"]);
    expect(some.range).toEqual([all.range[3], all.range[1]]);
    expect(new Set(all.range).size).toBe(4);
  });

  it("cycles through ten colours and places unknown strategies after the known ones", () => {
    const order = Array.from({ length: 12 }, (_, index) => `s${index}`);
    const scale = strategyColorScale(order);
    expect(scale.range[10]).toBe(scale.range[0]);
    expect(strategyColorScale(["a"], ["a", "z"]).range).toEqual([scale.range[0], scale.range[2]]);
  });
});
