import * as vega from "vega";
import type { TopLevelSpec } from "vega-lite";
import { describe, expect, it } from "vitest";
import { summarizeStrategies } from "../bench/metrics/index.ts";
import type { RunData } from "../bench/run-data.ts";
import { syntheticRun } from "../testing/index.ts";
import { accuracyTokensSpec } from "./accuracy-tokens-spec.ts";
import { compileReportSpec } from "./compile-report-spec.ts";
import { labLikeRun } from "./lab-like-run.test-support.ts";
import { placeLabelsInNode } from "./place-labels-in-node.ts";
import { renderSvg } from "./render-svg.ts";

type Box = { x1: number; x2: number; y1: number; y2: number };
type SceneItem = Box & {
  x: number;
  y: number;
  text?: string;
  opacity?: number;
  bounds: Box;
  name?: string;
  items: SceneItem[];
};

function intersects(one: Box, other: Box): boolean {
  return one.x1 < other.x2 && other.x1 < one.x2 && one.y1 < other.y2 && other.y1 < one.y2;
}

/**
 * The plot drawn in Node as the exports draw it: its drawn point labels (text and box, in the plot's
 * pixels), the centres of its points and the plot's size.
 */
async function drawnLabels(spec: TopLevelSpec) {
  const compiled = placeLabelsInNode(compileReportSpec(spec, { avoidMarks: true }));
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    await view.runAsync();
    const root = (view.scenegraph() as unknown as { root: SceneItem }).root.items[0]!;
    const mark = (name: string) => root.items.find((item) => item.name === name)?.items ?? [];
    return {
      labels: mark("labels_marks")
        .filter((item) => item.opacity !== 0)
        .map((item) => ({ text: item.text ?? "", box: { ...item.bounds } })),
      points: mark("points_marks").map((item) => ({ x: item.x, y: item.y })),
      width: view.width(),
      height: view.height(),
    };
  } finally {
    view.finalize();
  }
}

/** The synthetic run with its strategies renamed: a stand-in for a run of other strategies. */
function renamed(run: RunData, names: Readonly<Record<string, string>>): RunData {
  const rename = (strategy: string) => names[strategy] ?? strategy;
  return {
    ...run,
    manifest: { ...run.manifest, strategies: run.manifest.strategies.map(rename) },
    results: run.results.map((result) => ({ ...result, strategy: rename(result.strategy) })),
    samples: run.samples.map((sample) => ({ ...sample, strategy: rename(sample.strategy) })),
  };
}

type Layer = { name?: string; encoding?: Record<string, { field?: string }>; data?: { values: unknown[] } };

function layers(plot: ReturnType<typeof accuracyTokensSpec>): Layer[] {
  return (plot.spec as { layer: Layer[] }).layer;
}

describe("accuracyTokensSpec", () => {
  const run = syntheticRun({ seed: 4, problems: 30 });

  it("joins the budgets of one method, and keeps an adaptive method on a series of its own", () => {
    const plot = accuracyTokensSpec(
      summarizeStrategies(renamed(run, { "bon@8": "asc@8" }), { resamples: 50 }),
    );
    expect(plot.points.map((point) => [point.strategy, point.series])).toEqual([
      ["greedy", "greedy"],
      ["sc@4", "sc@N"],
      ["sc@8", "sc@N"],
      ["asc@8", "asc@N"],
    ]);
    expect(layers(plot).find((layer) => layer.name === "families")?.encoding?.detail?.field).toBe("series");
  });

  it("joins each adaptive strategy to its fixed-budget counterpart, with the token share and accuracy change", () => {
    const plot = accuracyTokensSpec(
      summarizeStrategies(renamed(run, { "bon@8": "asc@8" }), { resamples: 50 }),
    );
    const adaptive = plot.points.find((point) => point.strategy === "asc@8")!;
    const fixed = plot.points.find((point) => point.strategy === "sc@8")!;
    expect(plot.links).toEqual([
      {
        strategy: "asc@8",
        counterpart: "sc@8",
        tokens: adaptive.tokens,
        accuracy: adaptive.accuracy,
        counterpartTokens: fixed.tokens,
        counterpartAccuracy: fixed.accuracy,
        tokenShare: adaptive.tokens / fixed.tokens,
        accuracyChange: adaptive.accuracy - fixed.accuracy,
      },
    ]);
    expect(layers(plot).find((layer) => layer.name === "counterparts")?.data?.values).toEqual(plot.links);
  });

  it("finds a counterpart under an alias or around a strategy the catalog has no adaptive form for", () => {
    const alias = accuracyTokensSpec(
      summarizeStrategies(renamed(run, { "sc@8": "maj@8", "bon@8": "asc@8" }), { resamples: 50 }),
    );
    expect(alias.links.map((link) => [link.strategy, link.counterpart])).toEqual([["asc@8", "maj@8"]]);
    const wrapped = accuracyTokensSpec(
      summarizeStrategies(renamed(run, { "sc@4": "esc(bon@8)w4" }), { resamples: 50 }),
    );
    expect(wrapped.points.find((point) => point.strategy === "esc(bon@8)w4")?.series).toBe("esc(bon@N)w4");
    expect(wrapped.links.map((link) => [link.strategy, link.counterpart])).toEqual([
      ["esc(bon@8)w4", "bon@8"],
    ]);
  });

  it("keeps an entry's variants apart, each joined to its own counterpart", () => {
    const variants = accuracyTokensSpec(
      summarizeStrategies(renamed(run, { "sc@4": "mass@8u0.5", "sc@8": "wv-prob@8", "bon@8": "mass@8" }), {
        resamples: 50,
      }),
    );
    expect(variants.points.map((point) => [point.strategy, point.series])).toEqual([
      ["greedy", "greedy"],
      ["mass@8u0.5", "mass@Nu0.5"],
      ["wv-prob@8", "wv-prob@N"],
      ["mass@8", "mass@N"],
    ]);
    expect(variants.links.map((link) => [link.strategy, link.counterpart])).toEqual([
      ["mass@8u0.5", "wv-prob@8"],
      ["mass@8", "wv-prob@8"],
    ]);
    const online = accuracyTokensSpec(
      summarizeStrategies(renamed(run, { "sc@8": "deepconf@8", "bon@8": "deepconf-online@8" }), {
        resamples: 50,
      }),
    );
    expect(online.links.map((link) => [link.strategy, link.counterpart])).toEqual([
      ["deepconf-online@8", "deepconf@8"],
    ]);
  });

  it("draws no counterpart lines when no adaptive strategy has its counterpart in the run", () => {
    const plain = accuracyTokensSpec(summarizeStrategies(run, { resamples: 50 }));
    expect(plain.links).toEqual([]);
    expect(layers(plain).map((layer) => layer.name)).not.toContain("counterparts");
    // asc@16 without sc@16: nothing to join it to.
    const alone = accuracyTokensSpec(
      summarizeStrategies(renamed(run, { "bon@8": "asc@16" }), { resamples: 50 }),
    );
    expect(alone.links).toEqual([]);
  });

  it("renders one dotted line per adaptive strategy and counterpart", async () => {
    const plot = accuracyTokensSpec(
      summarizeStrategies(renamed(run, { "bon@8": "asc@8", "sc@4": "esc@8w4" }), { resamples: 50 }),
    );
    expect(plot.links.map((link) => link.strategy)).toEqual(["esc@8w4", "asc@8"]);
    const svg = await renderSvg(plot.spec);
    const group = svg.match(/<g class="mark-rule role-mark counterparts_marks"[\s\S]*?<\/g>/)?.[0] ?? "";
    expect(group.match(/<line/g)).toHaveLength(2);
  });

  it("reads each interval out once, in its point's label, not as a rule whose lower end is called accuracy", async () => {
    const svg = await renderSvg(accuracyTokensSpec(summarizeStrategies(run, { resamples: 50 })).spec);
    const rules = svg.match(/<g class="mark-rule role-mark intervals_marks"[\s\S]*?<\/g>/)?.[0] ?? "";
    expect(rules.match(/<line/g)?.length).toBeGreaterThan(0);
    expect(rules).not.toContain("aria-label");
    const points = svg.match(/<g class="mark-symbol role-mark points_marks"[\s\S]*?<\/g>/)?.[0] ?? "";
    expect(points).toMatch(/aria-label="[^"]*interval from: \d+(\.\d)?%; interval to: \d+(\.\d)?%/);
  });

  it("labels the token axis with whole numbers, a run of one strategy included", async () => {
    /** The tick labels of the plot's x axis, as rendered. */
    const tokenTicks = async (data: RunData) => {
      const svg = await renderSvg(accuracyTokensSpec(summarizeStrategies(data, { resamples: 50 })).spec);
      const axis = svg.match(/aria-label="X-axis[\s\S]*?role-axis-title/)?.[0] ?? "";
      const labels = axis.match(/<g class="mark-text role-axis-label"[\s\S]*?<\/g>/)?.[0] ?? "";
      return [...labels.matchAll(/>([^<]+)<\/text>/g)].map(([, text]) => text ?? "");
    };
    const greedy = (data: RunData): RunData => ({
      ...data,
      manifest: { ...data.manifest, strategies: ["greedy"] },
      results: data.results.filter((result) => result.strategy === "greedy"),
      samples: data.samples.filter((sample) => sample.strategy === "greedy"),
    });
    const single = await tokenTicks(greedy(run));
    expect(single.length).toBeGreaterThan(2);
    for (const tick of single) expect(tick).toMatch(/^\d{1,3}(,\d{3})*$/);
    // Long generations: thousands separated, no decimals.
    const long = await tokenTicks({
      ...run,
      results: run.results.map((result) => ({
        ...result,
        promptTokens: (result.promptTokens ?? 0) * 40,
        completionTokens: (result.completionTokens ?? 0) * 40,
      })),
    });
    expect(long.some((tick) => tick.includes(","))).toBe(true);
    for (const tick of long) expect(tick).toMatch(/^\d{1,3}(,\d{3})*$/);
  });

  it("joins the labels of strategies at one point, and keeps every label inside the plot", async () => {
    // certainty@4 chose exactly what sc@4 did: the same point. greedy right on every problem: accuracy 1.
    const shared: RunData = {
      ...run,
      manifest: { ...run.manifest, strategies: [...run.manifest.strategies, "certainty@4"] },
      results: [
        ...run.results.map((result) =>
          result.strategy === "greedy" ? { ...result, correct: true } : result,
        ),
        ...run.results
          .filter((result) => result.strategy === "sc@4")
          .map((result) => ({ ...result, strategy: "certainty@4" })),
      ],
    };
    const plot = accuracyTokensSpec(summarizeStrategies(shared, { resamples: 50 }));
    expect(plot.labels.map((label) => label.label)).toEqual(["greedy", "sc@4, certainty@4", "sc@8", "bon@8"]);
    const drawn = await drawnLabels(plot.spec);
    expect(drawn.labels.map((label) => label.text).sort()).toEqual(
      ["greedy", "sc@4, certainty@4", "sc@8", "bon@8"].sort(),
    );
    for (const label of drawn.labels) {
      expect(label.box.x1).toBeGreaterThanOrEqual(0);
      expect(label.box.x2).toBeLessThanOrEqual(drawn.width);
      expect(label.box.y1).toBeGreaterThanOrEqual(0);
      expect(label.box.y2).toBeLessThanOrEqual(drawn.height);
    }
  });

  it("places the labels of a crowded plot apart, off every point, inside the plot", async () => {
    const plot = accuracyTokensSpec(summarizeStrategies(labLikeRun(), { resamples: 50 }));
    const drawn = await drawnLabels(plot.spec);
    // Vega estimates text wider than it is in Node: most labels still find a spot, and none overlaps another.
    expect(drawn.labels.length).toBeGreaterThanOrEqual(plot.labels.length - 2);
    for (const [index, label] of drawn.labels.entries()) {
      for (const other of drawn.labels.slice(index + 1)) {
        expect(intersects(label.box, other.box), `${label.text} over ${other.text}`).toBe(false);
      }
      for (const point of drawn.points) {
        const inside =
          point.x > label.box.x1 + 1 &&
          point.x < label.box.x2 - 1 &&
          point.y > label.box.y1 + 1 &&
          point.y < label.box.y2 - 1;
        expect(inside, `${label.text} over a point`).toBe(false);
      }
      expect(label.box.x1).toBeGreaterThanOrEqual(0);
      expect(label.box.x2).toBeLessThanOrEqual(drawn.width);
    }
  });

  it("spans the token axis over the data, not to whole powers of ten, with round ticks", async () => {
    const plot = accuracyTokensSpec(summarizeStrategies(labLikeRun(), { resamples: 50 }));
    const x = (plot.spec as { encoding: { x: { scale: { type: string; domain: number[] } } } }).encoding.x;
    expect(x.scale.type).toBe("log");
    const [lower, upper] = x.scale.domain as [number, number];
    // The data spans 76 to 2,325 tokens: padded, yet far from 10 and 10,000.
    expect(lower).toBeLessThan(76);
    expect(lower).toBeGreaterThan(50);
    expect(upper).toBeGreaterThan(2325);
    expect(upper).toBeLessThan(3500);
    const svg = await renderSvg(plot.spec);
    const axis = svg.match(/aria-label="X-axis[\s\S]*?role-axis-title/)?.[0] ?? "";
    const ticks = [...axis.matchAll(/>([\d,]+)<\/text>/g)].map(([, text]) => text);
    expect(ticks).toEqual(["100", "200", "500", "1,000", "2,000"]);
  });
});
