import { describe, expect, it } from "vitest";
import type { ProblemResult } from "../bench/run-data.ts";
import { renderSvg } from "./render-svg.ts";
import { samplesSpentSpec } from "./samples-spent-spec.ts";
import { strategyColorScale } from "./strategy-color-scale.ts";

function result(strategy: string, index: number, samples: number): ProblemResult {
  return {
    problemId: `p${index}`,
    strategy,
    answer: "1",
    correct: true,
    samples,
    promptTokens: 10,
    completionTokens: 10 * samples,
    calls: samples,
    scoreCalls: 0,
    latencyMilliseconds: 1,
    stoppedBy: "complete",
  };
}

function results(strategy: string, samples: readonly number[]): ProblemResult[] {
  return samples.map((count, index) => result(strategy, index, count));
}

describe("samplesSpentSpec", () => {
  const order = ["sc@8", "asc@8", "esc@8w4"];
  const run = [
    ...results("sc@8", [8, 8, 8, 8, 8, 8]),
    ...results("asc@8", [4, 8, 4, 7, 4, 8]),
    ...results("esc@8w4", [8, 4, 4, 4, 4, 4]),
  ];
  const plot = samplesSpentSpec(run, order);

  it("counts the problems that used each number of samples, per strategy whose count varies", () => {
    expect(plot.strategies).toEqual(["asc@8", "esc@8w4"]);
    expect(plot.bins).toEqual([
      { strategy: "asc@8", samples: 4, problems: 3 },
      { strategy: "asc@8", samples: 7, problems: 1 },
      { strategy: "asc@8", samples: 8, problems: 2 },
      { strategy: "esc@8w4", samples: 4, problems: 5 },
      { strategy: "esc@8w4", samples: 8, problems: 1 },
    ]);
    expect(plot.means).toEqual({ "asc@8": 35 / 6, "esc@8w4": 28 / 6 });
  });

  it("leaves out fixed-N strategies, whose histogram would be one bar, and names them", () => {
    expect(plot.fixed).toEqual([{ strategy: "sc@8", samples: 8 }]);
    const values = (plot.spec as { data: { values: { strategy: string }[] } }).data.values;
    expect(values.some((value) => value.strategy === "sc@8")).toBe(false);
    const fixedOnly = samplesSpentSpec(results("sc@8", [8, 8, 8]));
    expect(fixedOnly.strategies).toEqual([]);
    expect(fixedOnly.bins).toEqual([]);
  });

  it("colours each strategy as every other plot of the report does", () => {
    const bars = (plot.spec as { spec: { layer: { encoding: { color?: unknown } }[] } }).spec.layer[0]!;
    const full = strategyColorScale(order);
    expect(bars.encoding.color).toMatchObject({
      field: "strategy",
      scale: { domain: ["asc@8", "esc@8w4"], range: [full.range[1], full.range[2]] },
    });
  });

  it("renders one bar per bin and one mean rule per strategy", async () => {
    const svg = await renderSvg(plot.spec);
    const bars = svg.match(/<g class="mark-rect role-mark bars_marks"[\s\S]*?<\/g>/g) ?? [];
    expect(bars.map((group) => group.match(/<path/g)?.length)).toEqual([3, 2]);
    const means = svg.match(/<g class="mark-rule role-mark means_marks"/g) ?? [];
    expect(means).toHaveLength(2);
    expect(svg).toContain("samples used by a problem");
  });
});
