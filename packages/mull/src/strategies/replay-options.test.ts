import { describe, expect, it } from "vitest";
import { replayOptionsOf } from "./replay-options.ts";

describe("replayOptionsOf", () => {
  it.each([
    ["deepconf@8:e10", ":e10"],
    ["deepconf@16:e10:w2048:tail", ":e10:w2048:tail"],
    ["deepconf@16:bottom-10%", ":bottom-10%"],
    ["certainty@16:p1", ":p1"],
    [" asc@16:T0.99 ", ":T0.99"],
    ["pprobe@32s6:q0.8", ":q0.8"],
    ["mass@8:u0.5", ":u0.5"],
    ["asc@16:t.99", ":t.99"],
  ])("reads %j's options as replay's: %j", (spec, options) => {
    expect(replayOptionsOf(spec)).toBe(options);
  });

  it.each([
    "deepconf@8",
    "sc@8:lab-large",
    "cascade@8:lab-small>lab-large",
    "sc@8:e10>lab-large",
    "deepconf@8:e10:lab-large",
    // Models named as OpenAI names some: a letter and a number, but no option letter of replay's.
    "sc@8:o3",
    "sc@8:O1",
    "deepconf@8:o3:tail",
    "cascade@4:o1>o3",
    "sc@8:x2",
  ])("reads no replay options in %j", (spec) => {
    expect(replayOptionsOf(spec)).toBeUndefined();
  });
});
