import { describe, expect, it } from "vitest";
import type { ProblemResult, RunData } from "../bench/index.ts";
import { modelTokensTable } from "./model-tokens-table.ts";

/** A result of `cascade@2` on problem `id`, whose models each spent no tokens. */
function resultOf(id: string): ProblemResult {
  return {
    problemId: id,
    strategy: "cascade@2",
    answer: "1",
    correct: true,
    samples: 2,
    promptTokens: 0,
    completionTokens: 0,
    calls: 2,
    scoreCalls: 0,
    latencyMilliseconds: 5,
    stoppedBy: "complete",
    usageByModel: {
      small: { promptTokens: 0, completionTokens: 0, calls: 1 },
      large: { promptTokens: 0, completionTokens: 0, calls: 1 },
    },
  };
}

describe("modelTokensTable", () => {
  it("shows an unknown share, not NaN, for a strategy whose models spent no tokens", () => {
    const run = {
      manifest: { strategies: ["cascade@2"] },
      problems: [],
      results: [resultOf("1"), resultOf("2")],
      samples: [],
    } as unknown as RunData;
    const html = modelTokensTable(run);
    expect(html).toContain(">small</td>");
    expect(html).not.toContain("NaN");
    expect(html).toContain(">unknown</td>");
  });
});
