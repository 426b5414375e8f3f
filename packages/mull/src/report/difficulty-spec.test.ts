import * as vega from "vega";
import { describe, expect, it } from "vitest";
import type { DifficultyAccuracy } from "../bench/metrics/index.ts";
import { compileReportSpec } from "./compile-report-spec.ts";
import { difficultySpec } from "./difficulty-spec.ts";
import { labRunStrategies } from "./lab-run-strategies.test-support.ts";
import { renderSvg } from "./render-svg.ts";
import { reportContentWidth } from "./report-content-width.ts";
import { strategyColorScale } from "./strategy-color-scale.ts";

/** One row per strategy and difficulty, each strategy solving a different share of each level. */
function accuracyRows(strategies: readonly string[], difficulties: readonly string[]): DifficultyAccuracy[] {
  return strategies.flatMap((strategy, strategyIndex) =>
    difficulties.map((difficulty, difficultyIndex) => {
      const correct = (strategyIndex + difficultyIndex) % 7;
      return { strategy, difficulty, problems: 6, correct, accuracy: correct / 6 };
    }),
  );
}

const levels = (count: number) => Array.from({ length: count }, (_, index) => String(index + 1));

/** The text of an SVG document, each `<text>` element's. */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map(([, text]) => text!);
}

/** The rendered chart's width and its text, as Vega draws it without a browser. */
async function rendered(spec: ReturnType<typeof difficultySpec>) {
  const svg = await renderSvg(spec);
  const width = Number(/^<svg[^>]* width="([\d.]+)"/.exec(svg)?.[1]);
  const texts = svgTexts(svg);
  const bars = [...svg.matchAll(/<g class="mark-rect role-mark bars_marks"[^>]*>([\s\S]*?)<\/g>/g)]
    .map(([, group]) => group!.match(/<path/g)?.length ?? 0)
    .reduce((sum, count) => sum + count, 0);
  return { width, texts, bars };
}

describe("difficultySpec", () => {
  it("fits eleven strategies and six levels in the page's width, each panel naming the strategies", async () => {
    const rows = accuracyRows(labRunStrategies, levels(6));
    const spec = difficultySpec(rows, labRunStrategies);
    // Each column holds a panel's axis labels and its bars: three of them fit the page.
    expect((spec as { columns: number }).columns).toBe(3);
    const { width, texts, bars } = await rendered(spec);
    expect(width).toBeGreaterThan(reportContentWidth / 2);
    expect(width).toBeLessThanOrEqual(reportContentWidth);
    expect(bars).toBe(rows.length);
    // Every panel names every strategy on its axis: a bar is known by its row, not only by its colour.
    for (const strategy of labRunStrategies)
      expect(texts.filter((text) => text === strategy)).toHaveLength(6);
    for (const level of levels(6)) expect(texts).toContain(level);
    // And every panel has its own accuracy axis.
    expect(texts.filter((text) => text === "100%")).toHaveLength(6);
  });

  it("names the strategies in every panel in whatever columns a narrower page draws them", async () => {
    const strategies = ["greedy", "sc@8", "gen@8+rank-lp@4+vote"];
    const compiled = compileReportSpec(difficultySpec(accuracyRows(strategies, levels(6)), strategies));
    // A page narrower than the chart lowers its signal `columns`, wrapping the six panels (as 5 + 1).
    for (const columns of [5, 4, 2, 1]) {
      const view = new vega.View(vega.parse(compiled), { renderer: "none" });
      try {
        view.signal("columns", columns);
        await view.runAsync();
        const texts = svgTexts(await view.toSVG());
        for (const strategy of strategies)
          expect(
            texts.filter((text) => text === strategy),
            `${strategy} in ${columns} columns`,
          ).toHaveLength(6);
        expect(
          texts.filter((text) => text === "100%"),
          `x axes in ${columns} columns`,
        ).toHaveLength(6);
      } finally {
        view.finalize();
      }
    }
  });

  it("wraps many levels onto further rows rather than grow past the page", async () => {
    const strategies = Array.from({ length: 24 }, (_, index) => `strategy-number-${index}@16`);
    const rows = accuracyRows(strategies, levels(12));
    const spec = difficultySpec(rows, strategies);
    const columns = (spec as { columns: number }).columns;
    expect(columns).toBeGreaterThan(1);
    expect(columns).toBeLessThan(12);
    const { width, texts } = await rendered(spec);
    expect(width).toBeLessThanOrEqual(reportContentWidth);
    // The strategies are named in every panel.
    expect(texts.filter((text) => text === strategies[0])).toHaveLength(12);
  });

  it("keeps the bars of a run of few levels from stretching across the page", async () => {
    const spec = difficultySpec(accuracyRows(["greedy", "sc@8"], levels(2)));
    const { width } = await rendered(spec);
    expect(width).toBeLessThan(reportContentWidth * 0.6);
  });

  it("colours each strategy as the report does and lists its rows in the run's order", () => {
    const rows = accuracyRows(["sc@8", "greedy"], levels(3));
    const spec = difficultySpec(rows, ["greedy", "sc@4", "sc@8"]) as unknown as {
      data: { values: DifficultyAccuracy[] };
      spec: { layer: { name: string; encoding: { y: { sort: string[] }; color: { scale: unknown } } }[] };
    };
    expect(spec.data.values).toEqual(rows);
    const bars = spec.spec.layer.find((layer) => layer.name === "bars")!;
    expect(bars.encoding.y.sort).toEqual(["greedy", "sc@8"]);
    expect(bars.encoding.color.scale).toEqual(
      strategyColorScale(["greedy", "sc@4", "sc@8"], ["greedy", "sc@8"]),
    );
  });
});
