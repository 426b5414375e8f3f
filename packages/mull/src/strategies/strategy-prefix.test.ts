import { describe, expect, it } from "vitest";
import { parseStrategySpec } from "./parse-strategy-spec.ts";
import { splitStrategyPrefix } from "./strategy-prefix.ts";

describe("splitStrategyPrefix", () => {
  it("splits a strategy prefix off a model name", () => {
    expect(splitStrategyPrefix("sc@8:qwen2.5-7b")).toEqual({ strategy: "sc@8", model: "qwen2.5-7b" });
    expect(splitStrategyPrefix("beam-la1@8x2:m")).toEqual({ strategy: "beam-la1@8x2", model: "m" });
    expect(splitStrategyPrefix("probe@4k8m2:lab-large")).toEqual({
      strategy: "probe@4k8m2",
      model: "lab-large",
    });
    expect(splitStrategyPrefix("force@4x32:m")).toEqual({ strategy: "force@4x32", model: "m" });
    expect(splitStrategyPrefix("extend@200w2:m")).toEqual({ strategy: "extend@200w2", model: "m" });
    expect(splitStrategyPrefix("greedy:org/model:tag")).toEqual({
      strategy: "greedy",
      model: "org/model:tag",
    });
  });

  it("splits an adaptive wrapper off, parentheses and all", () => {
    expect(splitStrategyPrefix("asc(bon@8):lab-v2-large")).toEqual({
      strategy: "asc(bon@8)",
      model: "lab-v2-large",
    });
    expect(splitStrategyPrefix("esc(wv@16)w4:org/model:tag")).toEqual({
      strategy: "esc(wv@16)w4",
      model: "org/model:tag",
    });
    expect(splitStrategyPrefix("asc(wv-prob@16)dt0.99:m")?.strategy).toBe("asc(wv-prob@16)dt0.99");
    // The wrapper family's descriptive forms (asc(INNER)) are no bare prefix.
    expect(splitStrategyPrefix("ascinner:m")).toBeUndefined();
  });

  it("splits a malformed or decimal count off too, for the spec parser to judge", () => {
    expect(splitStrategyPrefix("sc@-1:m")).toEqual({ strategy: "sc@-1", model: "m" });
    expect(splitStrategyPrefix("sc@0:m")).toEqual({ strategy: "sc@0", model: "m" });
    expect(splitStrategyPrefix("glimp@0.6:a>b")).toEqual({ strategy: "glimp@0.6", model: "a>b" });
  });

  it("finds no prefix in a plain name", () => {
    expect(splitStrategyPrefix("qwen2.5-7b")).toBeUndefined();
    expect(splitStrategyPrefix("sc:m")).toBeUndefined();
    expect(splitStrategyPrefix("sc@8:")).toBeUndefined();
  });
});

describe("the samples a strategy draws at once, as the server sizes requests", () => {
  it("come from the strategy's typed count", () => {
    expect(parseStrategySpec("sc@8").samples).toBe(8);
    expect(parseStrategySpec("greedy").samples).toBe(1);
    expect(parseStrategySpec("probe@4k8").samples).toBe(4);
    expect(parseStrategySpec("force@64").samples).toBe(1);
  });
});
