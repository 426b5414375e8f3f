import { describe, expect, it } from "vitest";
import { strategyCoverage, summarizeStrategies } from "../bench/metrics/index.ts";
import { accuracyTokensSpec } from "./accuracy-tokens-spec.ts";
import { coverageSpec } from "./coverage-spec.ts";
import { labLikeRun } from "./lab-like-run.test-support.ts";
import { labRunStrategies } from "./lab-run-strategies.test-support.ts";
import { renderSvg } from "./render-svg.ts";
import {
  legendLabelLimit,
  strategyColorEncoding,
  strategyColorScale,
  strategyShapeScale,
} from "./strategy-color-scale.ts";

/** CIELAB coordinates of an sRGB colour `#rrggbb` (D65 white). */
function lab(hex: string): [number, number, number] {
  const [red, green, blue] = [1, 3, 5].map((start) => {
    const value = Number.parseInt(hex.slice(start, start + 2), 16) / 255;
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const x = (0.4124 * red + 0.3576 * green + 0.1805 * blue) / 0.95047;
  const y = 0.2126 * red + 0.7152 * green + 0.0722 * blue;
  const z = (0.0193 * red + 0.1192 * green + 0.9505 * blue) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

/** The CIE76 colour difference ΔE*ab: about 2 is just noticeable, over 20 plainly different hues. */
function colorDifference(left: string, right: string): number {
  const [l1, a1, b1] = lab(left);
  const [l2, a2, b2] = lab(right);
  return Math.hypot(l1 - l2, a1 - a2, b1 - b2);
}

const named = (count: number) => Array.from({ length: count }, (_, index) => `s${index}`);

describe("strategyColorScale", () => {
  it("gives a strategy the same colour whichever subset a plot draws", () => {
    const order = ["greedy", "sc@4", "sc@8", "bon@8"];
    const all = strategyColorScale(order);
    const some = strategyColorScale(order, ["bon@8", "sc@4"]);
    expect(some.domain).toEqual(["bon@8", "sc@4"]);
    expect(some.range).toEqual([all.range[3], all.range[1]]);
    expect(new Set(all.range).size).toBe(4);
  });

  it("gives each of up to twenty strategies a colour of its own, plainly apart from every other", () => {
    for (const count of [1, 10, 11, 20]) {
      const { domain, range } = strategyColorScale(named(count));
      expect(domain).toHaveLength(count);
      expect(new Set(range).size).toBe(count);
    }
    const { range } = strategyColorScale(named(20));
    for (const [index, color] of range.entries()) {
      expect(color).toMatch(/^#[0-9a-f]{6}$/);
      for (const other of range.slice(index + 1)) expect(colorDifference(color, other)).toBeGreaterThan(25);
    }
  });

  it("keeps the eleven strategies of the default lab run apart, greedy and pf@8 included", () => {
    const lab = labRunStrategies;
    const { range } = strategyColorScale(lab);
    expect(new Set(range).size).toBe(11);
    expect(range[10]).not.toBe(range[0]);
  });

  it("places strategies the run does not list after those it does, without sharing their colours", () => {
    const scale = strategyColorScale(named(3));
    const unlisted = strategyColorScale(named(3), ["z", "s1", "y"]);
    expect(unlisted.domain).toEqual(["z", "s1", "y"]);
    expect(unlisted.range[1]).toBe(scale.range[1]);
    expect(new Set([...scale.range, unlisted.range[0], unlisted.range[2]]).size).toBe(5);
  });
});

describe("strategyShapeScale", () => {
  it("draws the first twenty strategies as circles, then changes shape as colours come round again", () => {
    const order = named(45);
    const colors = strategyColorScale(order).range;
    const shapes = strategyShapeScale(order).range;
    expect(shapes.slice(0, 20)).toEqual(Array(20).fill("circle"));
    expect(new Set(shapes.slice(20, 40))).toEqual(new Set(["square"]));
    expect(shapes[40]).not.toBe("circle");
    expect(shapes[40]).not.toBe("square");
    // Colours repeat past twenty, but no two strategies share both colour and shape.
    expect(colors[20]).toBe(colors[0]);
    const pairs = new Set(order.map((_, index) => `${colors[index]} ${shapes[index]}`));
    expect(pairs.size).toBe(45);
  });

  it("follows the run's order whichever subset a plot draws, as colours do", () => {
    const order = named(25);
    const shapes = strategyShapeScale(order, ["s22", "s3"]);
    expect(shapes).toEqual({ domain: ["s22", "s3"], range: ["square", "circle"] });
  });

  it("sizes the legend's labels to the longest name, so exported plots cut none", async () => {
    // Vega estimates 8 px a character of the 10 px legend labels where it cannot measure them.
    expect(legendLabelLimit(["greedy", "gen@8+rank-lp@4+vote"])).toBe(161);
    expect(legendLabelLimit(["x".repeat(200)])).toBe(400);
    expect(strategyColorEncoding(labRunStrategies).legend.labelLimit).toBe(
      legendLabelLimit(labRunStrategies),
    );
    const run = labLikeRun();
    const coverage = coverageSpec(strategyCoverage(run), labRunStrategies);
    const plots = [
      {
        spec: accuracyTokensSpec(summarizeStrategies(run, { resamples: 50 }), labRunStrategies).spec,
        drawn: labRunStrategies,
      },
      { spec: coverage.spec, drawn: coverage.strategies },
    ];
    for (const { spec, drawn } of plots) {
      const svg = await renderSvg(spec);
      const labels = [...svg.matchAll(/<g class="mark-text role-legend-label"[\s\S]*?<\/g>/g)].join("");
      const names = [...labels.matchAll(/>([^<]+)<\/text>/g)].map(([, name]) => name);
      // Whole, "gen@8+rank-lp@4+vote" of the accuracy plot included: none ends in "…".
      expect(names).toEqual(drawn);
    }
  });
});
