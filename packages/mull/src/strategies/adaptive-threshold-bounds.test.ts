import { describe, expect, it } from "vitest";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import { solve } from "../solve.ts";
import type { Strategy } from "../spec/index.ts";
import { createLockstepBackend } from "../testing/lockstep-backend.ts";
import { adaptiveConsistency } from "./adaptive-consistency.ts";
import { parallelAdaptiveConsistency } from "./parallel-adaptive-consistency.ts";
import { parseStrategySpec } from "./parse-strategy-spec.ts";
import { selfConsistency } from "./self-consistency.ts";

/** A trace of `length` word-tokens whose last two are `#### <answer>`. */
function trace(length: number, answer: string): string {
  return `${"step ".repeat(length - 2)}#### ${answer}`;
}

describe("adaptive thresholds", () => {
  it.each([
    ["adaptiveConsistency", () => adaptiveConsistency(selfConsistency({ n: 16 }), { threshold: 0 })],
    ["parallelAdaptiveConsistency", () => parallelAdaptiveConsistency({ n: 16, threshold: 0 })],
  ])("%s refuses a threshold of 0, as the specs do", (owner, create) => {
    const error = thrownConfigError(create);
    expect(error.field).toBe("threshold");
    expect(error.message).toBe(`${owner}: threshold must be a number > 0 and ≤ 1, got 0`);
    expect(() => parseStrategySpec(owner === "adaptiveConsistency" ? "asc@16t0" : "pasc@16t0")).toThrow(
      /T = 0.*expected a number above 0 and at most 1/,
    );
  });

  it("takes the smallest positive threshold in both", () => {
    expect(adaptiveConsistency(selfConsistency({ n: 16 }), { threshold: 0.01 }).name).toBe("asc@16t0.01");
    expect(parallelAdaptiveConsistency({ n: 16, threshold: 0.01 }).name).toBe("pasc@16t0.01");
  });

  it.each<[string, () => Strategy]>([
    ["pasc@16", () => parallelAdaptiveConsistency({ n: 16 })],
    ["pasc@16f8", () => parallelAdaptiveConsistency({ n: 16, quorum: 8 })],
    ["pasc@16t0.9", () => parallelAdaptiveConsistency({ n: 16, threshold: 0.9 })],
    ["pasc@16f8t0.9", () => parallelAdaptiveConsistency({ n: 16, quorum: 8, threshold: 0.9 })],
    ["pasc@24f12t1", () => parallelAdaptiveConsistency({ n: 24, quorum: 12, threshold: 1 })],
  ])("parses %s, the name the library gives, back to the same strategy", (name, create) => {
    const strategy = create();
    expect(strategy.name).toBe(name);
    const parsed = parseStrategySpec(strategy.name);
    expect(parsed.name).toBe(strategy.name);
    expect(parsed.parameters).toEqual(strategy.parameters);
  });

  it("applies the threshold a pasc spec gives: three unanimous traces reach 0.9 but not 0.95", async () => {
    const traces = [4, 5, 6, 7, 30, 40, 50, 60].map((length) => trace(length, "7"));
    const run = (spec: string) =>
      solve({ problem: "q", strategy: spec, backend: createLockstepBackend({ traces }), seed: 3 });
    const voters = (result: Awaited<ReturnType<typeof run>>) =>
      result.candidates.filter((candidate) => candidate.finishReason !== "cut").length;
    const lower = await run("pasc@8t0.9");
    expect(lower).toMatchObject({ strategy: "pasc@8t0.9", stoppedBy: "condition:adaptive-consistency" });
    expect(voters(lower)).toBe(3);
    const higher = await run("pasc@8");
    expect(higher).toMatchObject({ strategy: "pasc@8", stoppedBy: "condition:adaptive-consistency" });
    expect(voters(higher)).toBe(4);
    const withQuorum = await run("pasc@8f2t0.9");
    expect(withQuorum).toMatchObject({ stoppedBy: "condition:candidates-reached" });
    expect(voters(withQuorum)).toBe(2);
  });
});
