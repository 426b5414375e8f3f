import { describe, expect, it } from "vitest";
import { strategyCoverage, summarizeStrategies } from "../bench/metrics/index.ts";
import { syntheticRun } from "../testing/index.ts";
import { accuracyTokensSpec } from "./accuracy-tokens-spec.ts";
import { coverageSpec } from "./coverage-spec.ts";
import { labLikeRun } from "./lab-like-run.test-support.ts";
import { renderPng } from "./render-png.ts";
import { renderSvg } from "./render-svg.ts";

type Point = { x: number; y: number };
type Box = { left: number; right: number; top: number; bottom: number };

/** The attributes of each `<tag>` element inside the SVG groups of mark `name`, and its text. */
function elements(
  svg: string,
  name: string,
  tag: string,
): { attributes: Record<string, string>; text: string }[] {
  const groups = [...svg.matchAll(new RegExp(`<g class="mark-\\w+ role-mark ${name}"[^>]*>(.*?)</g>`, "g"))];
  return groups.flatMap(([, content]) =>
    [...content!.matchAll(new RegExp(`<${tag}([^>]*?)/?>(?:([^<]*)</${tag}>)?`, "g"))].map(
      ([, attributes, text]) => ({
        attributes: Object.fromEntries(
          [...attributes!.matchAll(/([\w-]+)="([^"]*)"/g)].map(([, key, value]) => [key!, value!]),
        ),
        text: text ?? "",
      }),
    ),
  );
}

function translation(attributes: Record<string, string>): Point {
  const [, x, y] = /translate\(([-\d.e]+),([-\d.e]+)\)/.exec(attributes.transform ?? "") ?? [];
  return { x: Number(x ?? 0), y: Number(y ?? 0) };
}

/**
 * The box of a label as Vega places it: its width Vega's estimate for text it cannot measure (0.8 em a
 * character, wider than the text in the fonts viewers draw it with), one em high about its baseline.
 */
function labelBox(attributes: Record<string, string>, text: string): Box {
  const { x, y } = translation(attributes);
  const size = Number.parseFloat(attributes["font-size"] ?? "11");
  const width = 0.8 * size * text.length;
  const anchor = attributes["text-anchor"] ?? "start";
  const left = anchor === "end" ? x - width : anchor === "middle" ? x - width / 2 : x;
  return { left, right: left + width, top: y - 0.79 * size, bottom: y + 0.21 * size };
}

/** The box shrunk by `margin` on every side: a pixel of rounding is not an overlap. */
function shrunk(box: Box, margin = 1): Box {
  return {
    left: box.left + margin,
    right: box.right - margin,
    top: box.top + margin,
    bottom: box.bottom - margin,
  };
}

function boxesMeet(one: Box, other: Box): boolean {
  return one.left < other.right && other.left < one.right && one.top < other.bottom && other.top < one.bottom;
}

/** Whether the segment from `start` to `end` crosses the box (Liang–Barsky clipping). */
function segmentMeetsBox(start: Point, end: Point, box: Box): boolean {
  let enter = 0;
  let leave = 1;
  const dx = end.x - start.x;
  const dy = end.y - start.y;
  const sides: [number, number][] = [
    [-dx, start.x - box.left],
    [dx, box.right - start.x],
    [-dy, start.y - box.top],
    [dy, box.bottom - start.y],
  ];
  for (const [direction, room] of sides) {
    if (direction === 0) {
      if (room < 0) return false;
    } else if (direction < 0) enter = Math.max(enter, room / direction);
    else leave = Math.min(leave, room / direction);
  }
  return enter <= leave;
}

/** Whether the disk of `radius` about `centre` meets the box. */
function diskMeetsBox(centre: Point, radius: number, box: Box): boolean {
  const x = Math.max(box.left, Math.min(centre.x, box.right));
  const y = Math.max(box.top, Math.min(centre.y, box.bottom));
  return Math.hypot(centre.x - x, centre.y - y) < radius;
}

/** The segments of a path of straight lines (`M x,y L x,y …`). */
function pathSegments(d: string): [Point, Point][] {
  expect(d, "a path of straight lines").toMatch(/^M[-\d.,eLZ]*$/);
  const points = [...d.matchAll(/([-\d.e]+),([-\d.e]+)/g)].map(([, x, y]) => ({
    x: Number(x),
    y: Number(y),
  }));
  return points.slice(1).map((point, index): [Point, Point] => [points[index]!, point]);
}

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

  it("keeps the point labels of a crowded plot off each other, the points and the lines, inside the plot", async () => {
    const accuracy = accuracyTokensSpec(summarizeStrategies(labLikeRun(), { resamples: 50 }));
    const svg = await renderSvg(accuracy.spec);
    const { width, height } = accuracy.spec as { width: number; height: number };
    const labels = elements(svg, "labels_marks", "text")
      .filter(({ attributes }) => attributes.opacity !== "0")
      .map(({ attributes, text }) => ({ text, box: labelBox(attributes, text) }));
    // Text is estimated wider than it is, yet nearly every label finds a spot.
    expect(labels.length).toBeGreaterThanOrEqual(accuracy.labels.length - 2);
    const disks = ["points_marks", "frontPoints_marks"].flatMap((name) =>
      elements(svg, name, "path").map(({ attributes }) => ({
        centre: translation(attributes),
        radius:
          Number(/^M([\d.]+),/.exec(attributes.d ?? "")?.[1]) +
          (attributes.stroke === undefined ? 0 : Number(attributes["stroke-width"] ?? 1) / 2),
      })),
    );
    expect(disks.length).toBeGreaterThanOrEqual(accuracy.points.length);
    const lines = [
      ...["front_marks", "families_marks"].flatMap((name) =>
        elements(svg, name, "path").flatMap(({ attributes }) => pathSegments(attributes.d ?? "")),
      ),
      ...elements(svg, "counterparts_marks", "line").map(({ attributes }): [Point, Point] => {
        const start = translation(attributes);
        return [start, { x: start.x + Number(attributes.x2), y: start.y + Number(attributes.y2) }];
      }),
    ];
    expect(lines.length).toBeGreaterThan(3);
    for (const [index, label] of labels.entries()) {
      const box = shrunk(label.box);
      expect(box.left, `${label.text} cut at the left`).toBeGreaterThanOrEqual(0);
      expect(box.right, `${label.text} cut at the right`).toBeLessThanOrEqual(width);
      expect(box.top, `${label.text} cut at the top`).toBeGreaterThanOrEqual(0);
      expect(box.bottom, `${label.text} cut at the bottom`).toBeLessThanOrEqual(height);
      for (const other of labels.slice(index + 1)) {
        expect(boxesMeet(box, shrunk(other.box)), `${label.text} over ${other.text}`).toBe(false);
      }
      for (const disk of disks) {
        expect(diskMeetsBox(disk.centre, disk.radius, box), `${label.text} over a point`).toBe(false);
      }
      for (const [start, end] of lines) {
        expect(segmentMeetsBox(start, end, box), `${label.text} over a line`).toBe(false);
      }
    }
  });
});
