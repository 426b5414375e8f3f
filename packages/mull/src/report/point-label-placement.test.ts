import type { Spec as VegaSpec } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { describe, expect, it } from "vitest";
import { placePointLabels } from "./point-label-placement.ts";
import { pointLabelTransformType } from "./point-label-transform.ts";

type Mark = {
  name: string;
  type: string;
  clip?: boolean;
  from?: { data: string };
  encode: { update: Record<string, unknown> };
  transform?: Record<string, unknown>[];
};

const plot: TopLevelSpec = {
  width: 300,
  height: 200,
  data: { values: [{ x: 1, y: 2, name: "a" }] },
  encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
  layer: [
    { name: "dots", mark: "point" },
    { name: "names", mark: { type: "text", dx: 8 }, encoding: { text: { field: "name" } } },
  ],
};

function marks(spec: VegaSpec): Mark[] {
  return spec.marks as unknown as Mark[];
}

describe("placePointLabels", () => {
  const compiled = compile(plot).spec as VegaSpec;

  it("hands the text layer's position to the report's label transform and adds leader lines after it", () => {
    const placed = marks(
      placePointLabels(compiled, { layer: "names", avoid: ["dots"] }, { avoidMarks: true }),
    );
    const names = placed.map((mark) => mark.name);
    expect(names.indexOf("names_leaders")).toBe(names.indexOf("names_marks") + 1);
    const text = placed.find((mark) => mark.name === "names_marks")!;
    const [label] = text.transform!;
    expect(label).toMatchObject({
      type: pointLabelTransformType,
      size: { signal: "[width, height]" },
      avoidMarks: ["dots_marks"],
    });
    // Labels keep a few pixels apart, and one about as near another point as its own is told so.
    expect(label!.margin).toBeGreaterThanOrEqual(2);
    expect(label!.clearance).toBeGreaterThan(0);
    // Near spots on every side first, then farther ones: the first free one is taken.
    const offsets = label!.offset as number[];
    expect(offsets).toHaveLength((label!.anchor as string[]).length);
    expect(offsets[0]).toBeLessThan(offsets.at(-1)!);
    expect(offsets).toEqual([...offsets].sort((left, right) => left - right));
    // An offset of the layer's own would move the text off the spot the transform chose.
    expect(text.encode.update.dx).toBeUndefined();
    expect(text.encode.update.anchorX).toEqual(text.encode.update.x);
    expect(text.clip).toBe(true);
    const leaders = placed.find((mark) => mark.name === "names_leaders")!;
    expect(leaders).toMatchObject({ type: "rule", from: { data: "names_marks" } });
    // A crowded label gets its leader line wherever it sits.
    expect((leaders.encode.update.opacity as { signal: string }).signal).toContain("datum.crowded");
  });

  it("leaves out avoidMarks where there is no canvas, and marks it does not have", () => {
    const node = marks(
      placePointLabels(compiled, { layer: "names", avoid: ["dots"] }, { avoidMarks: false }),
    );
    expect(node.find((mark) => mark.name === "names_marks")!.transform![0]!.avoidMarks).toBeUndefined();
    const missing = marks(
      placePointLabels(compiled, { layer: "names", avoid: ["dots", "lines"] }, { avoidMarks: true }),
    );
    expect(missing.find((mark) => mark.name === "names_marks")!.transform![0]!.avoidMarks).toEqual([
      "dots_marks",
    ]);
  });

  it("returns a spec without that text layer unchanged", () => {
    expect(placePointLabels(compiled, { layer: "titles", avoid: [] }, { avoidMarks: true })).toBe(compiled);
  });
});
