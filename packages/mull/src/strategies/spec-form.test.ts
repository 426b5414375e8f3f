import { describe, expect, it } from "vitest";
import { splitModelRoute } from "./find-strategy-entry.ts";
import { compileSpecForm } from "./spec-form.ts";

describe("compileSpecForm", () => {
  it("reads integers by letter and refuses decimals where the form has none", () => {
    const form = compileSpecForm("beam-laL@NxM");
    expect(form.read("beam-la1@16x4")).toEqual({ L: 1, N: 16, M: 4 });
    expect(form.read("beam-la1@1.5x4")).toBeUndefined();
    expect(form.family.test("beam-la2")).toBe(true);
  });

  it("reads a decimal for the letters named as decimals, and integers for the rest", () => {
    const form = compileSpecForm("glimp@TkK", ["T"]);
    expect(form.read("glimp@0.6k4")).toEqual({ T: 0.6, K: 4 });
    expect(form.read("glimp@2k4")).toEqual({ T: 2, K: 4 });
    expect(form.read("glimp@0.6k1.5")).toBeUndefined();
    expect(form.read("glimp@.6k4")).toBeUndefined();
  });
});

describe("splitModelRoute", () => {
  it("splits the models after the first colon, keeping their case", () => {
    expect(splitModelRoute(" cascade@8 : lab-small > Qwen/Qwen3-8B ")).toEqual({
      spec: "cascade@8",
      route: ["lab-small", "Qwen/Qwen3-8B"],
    });
    expect(splitModelRoute("sc@8")).toEqual({ spec: "sc@8", route: undefined });
  });
});
