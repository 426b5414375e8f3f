import { describe, expect, it } from "vitest";
import { strategyCoverage } from "../bench/metrics/index.ts";
import { syntheticRun } from "../testing/index.ts";
import { coverageSpec } from "./coverage-spec.ts";
import { renderPng } from "./render-png.ts";
import { renderSvg } from "./render-svg.ts";

describe("renderSvg and renderPng", () => {
  const run = syntheticRun({ seed: 9, problems: 12 });
  const plot = coverageSpec(strategyCoverage(run));

  it("renders a plot to SVG in Node with one symbol per measured point", async () => {
    const svg = await renderSvg(plot.spec);
    expect(svg.startsWith("<svg")).toBe(true);
    const measured = svg.match(/<g class="mark-symbol role-mark measured_marks"[\s\S]*?<\/g>/)?.[0] ?? "";
    expect(measured.match(/<path/g)).toHaveLength(
      plot.values.filter((value) => value.series === "measured").length,
    );
    expect(svg).toContain("coverage (pass@k)");
  });

  it("converts the SVG to a PNG of the plot's size times the scale", async () => {
    const svg = await renderSvg(plot.spec);
    const width = Number(/width="(\d+(?:\.\d+)?)"/.exec(svg)?.[1]);
    const png = await renderPng(svg, { scale: 1.5 });
    const bytes = Buffer.from(png);
    expect(bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
    // The IHDR chunk holds the width at byte 16.
    expect(bytes.readUInt32BE(16)).toBe(Math.ceil(width * 1.5));
  });
});
