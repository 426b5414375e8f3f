import { describe, expect, it } from "vitest";
import { defaultStepFormat } from "../steps/index.ts";
import { createSolutionTokens } from "./solution-tokens.ts";

const settings = { format: defaultStepFormat, maxStepTokens: 256, maxSolutionTokens: 192 };
const steps = ["539-467=72", "72+192=264"];

describe("createSolutionTokens", () => {
  it("takes a path's count where it is known", () => {
    const solutionTokens = createSolutionTokens(settings);
    expect(solutionTokens.of({ tokens: 30, steps })).toBe(30);
    expect(solutionTokens.stepAllowance({ tokens: 0, steps: [] })).toBe(192);
    expect(solutionTokens.stepAllowance({ tokens: 30, steps })).toBe(162);
    expect(solutionTokens.rolloutAllowance({ tokens: 191, steps })).toBe(1);
    expect(solutionTokens.spent({ tokens: 192, steps })).toBe(false);
  });

  it("reckons an unknown count from the path's characters, at 4 a token until the waves report a rate", () => {
    const solutionTokens = createSolutionTokens(settings);
    // 10 + 1 and 10 + 1 characters (each step and its delimiter): 22 at 4 a token is 5.5, rounded up.
    expect(solutionTokens.of({ tokens: undefined, steps })).toBe(6);
    expect(solutionTokens.stepAllowance({ tokens: undefined, steps })).toBe(186);
    // A wave reports 44 tokens for four steps of 10 characters and their delimiters: 1 token a character.
    solutionTokens.observe(44, ["539-467=72", "539-467=82", "539-467=62", "539-467=72"]);
    expect(solutionTokens.of({ tokens: undefined, steps })).toBe(22);
    expect(solutionTokens.stepAllowance({ tokens: undefined, steps })).toBe(170);
    // A wave whose sum is unknown teaches nothing.
    solutionTokens.observe(undefined, ["x".repeat(1_000)]);
    expect(solutionTokens.of({ tokens: undefined, steps })).toBe(22);
  });

  it("counts a path reckoned at the solution limit as spent, its steps allowed nothing more", () => {
    const solutionTokens = createSolutionTokens(settings);
    solutionTokens.observe(11, ["539-467=72"]);
    const long = Array.from({ length: 18 }, () => "539-467=72");
    expect(solutionTokens.of({ tokens: undefined, steps: long })).toBe(198);
    expect(solutionTokens.spent({ tokens: undefined, steps: long })).toBe(true);
    expect(solutionTokens.stepAllowance({ tokens: undefined, steps: long })).toBe(-6);
    expect(solutionTokens.rolloutAllowance({ tokens: undefined, steps: long })).toBe(1);
    expect(solutionTokens.spent({ tokens: undefined, steps: long.slice(1) })).toBe(false);
  });

  it("reckons at the tokens per character the waves reported, not its inverse", () => {
    const solutionTokens = createSolutionTokens(settings);
    // 22 tokens for 44 characters: half a token a character, so the 22 characters of `steps` are 11 tokens.
    solutionTokens.observe(22, ["539-467=72", "539-467=82", "539-467=62", "539-467=72"]);
    expect(solutionTokens.of({ tokens: undefined, steps })).toBe(11);
    expect(solutionTokens.stepAllowance({ tokens: undefined, steps })).toBe(181);
  });

  it("counts a path reckoned at exactly the solution limit as spent, and one a token short of it as not", () => {
    const solutionTokens = createSolutionTokens({ ...settings, maxSolutionTokens: 198 });
    solutionTokens.observe(11, ["539-467=72"]);
    const long = Array.from({ length: 18 }, () => "539-467=72");
    expect(solutionTokens.of({ tokens: undefined, steps: long })).toBe(198);
    expect(solutionTokens.spent({ tokens: undefined, steps: long })).toBe(true);
    expect(solutionTokens.stepAllowance({ tokens: undefined, steps: long })).toBe(0);
    const short = createSolutionTokens({ ...settings, maxSolutionTokens: 199 });
    short.observe(11, ["539-467=72"]);
    expect(short.spent({ tokens: undefined, steps: long })).toBe(false);
  });

  it("leaves the step limit alone without a solution limit", () => {
    const solutionTokens = createSolutionTokens({ ...settings, maxSolutionTokens: undefined });
    expect(solutionTokens.stepAllowance({ tokens: undefined, steps })).toBe(256);
    expect(solutionTokens.rolloutAllowance({ tokens: undefined, steps })).toBeUndefined();
    expect(solutionTokens.spent({ tokens: undefined, steps })).toBe(false);
  });
});
