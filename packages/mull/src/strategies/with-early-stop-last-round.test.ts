import { describe, expect, it } from "vitest";
import { consensusReached } from "../budget/index.ts";
import { solve } from "../solve.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { selfConsistency } from "./self-consistency.ts";
import { withEarlyStop } from "./with-early-stop.ts";

/** Solves "q" with `strategy` over a backend that always answers 5. */
function solveUnanimous(strategy: Parameters<typeof solve>[0]["strategy"]) {
  return solve({ problem: "q", strategy, backend: createScriptedBackend({ responses: ["#### 5"] }) });
}

describe("withEarlyStop at its last round", () => {
  it("is complete when a condition first holds at the last round, since every sample was drawn", async () => {
    const strategy = withEarlyStop(selfConsistency({ n: 4 }), {
      roundSize: 2,
      stopWhen: [consensusReached(1, 4)],
    });
    const result = await solveUnanimous(strategy);
    expect(result.candidates).toHaveLength(4);
    expect(result).toMatchObject({ stoppedBy: "complete", partial: false });
  });

  it("stops by the condition when it holds before the last round", async () => {
    const strategy = withEarlyStop(selfConsistency({ n: 6 }), {
      roundSize: 2,
      stopWhen: [consensusReached(1, 4)],
    });
    const result = await solveUnanimous(strategy);
    expect(result.candidates).toHaveLength(4);
    expect(result).toMatchObject({ stoppedBy: "condition:consensus", partial: false });
  });

  it.each([
    // A unanimous window of 4 at the last window, then one before it.
    ["esc@4w4", 4, "complete"],
    ["esc@8w4", 4, "condition:window-unanimous"],
    // A unanimous run reaches 0.95 at its fourth sample.
    ["asc@4", 4, "complete"],
    ["asc@5", 4, "condition:adaptive-consistency"],
  ])("%s over unanimous samples draws %i and stops by %s", async (spec, drawn, stoppedBy) => {
    const result = await solveUnanimous(spec);
    expect(result.candidates).toHaveLength(drawn);
    expect(result.stoppedBy).toBe(stoppedBy);
  });
});
