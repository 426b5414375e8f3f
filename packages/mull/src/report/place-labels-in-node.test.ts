import type { Spec as VegaSpec } from "vega";
import * as vega from "vega";
import type { TopLevelSpec } from "vega-lite";
import { describe, expect, it } from "vitest";
import { compileReportSpec } from "./compile-report-spec.ts";
import { placeLabelsInNode } from "./place-labels-in-node.ts";
import { pointLabelTransformType } from "./point-label-transform.ts";

/** A point with a line running right from it: the first spot a label tries, right of its point, is taken. */
const plot: TopLevelSpec = {
  width: 200,
  height: 100,
  usermeta: { pointLabels: { layer: "names", avoid: ["dots", "track"] } },
  encoding: {
    x: { field: "x", type: "quantitative", scale: { domain: [0, 10] } },
    y: { field: "y", type: "quantitative", scale: { domain: [0, 10] } },
  },
  layer: [
    {
      name: "track",
      data: {
        values: [
          { x: 5, y: 5 },
          { x: 10, y: 5 },
        ],
      },
      mark: { type: "line", strokeWidth: 2 },
    },
    { name: "dots", data: { values: [{ x: 5, y: 5, name: "middle" }] }, mark: "circle" },
    {
      name: "names",
      data: { values: [{ x: 5, y: 5, name: "middle" }] },
      mark: { type: "text", fontSize: 11 },
      encoding: { text: { field: "name" } },
    },
  ],
};

type Item = { x: number; y: number; opacity?: number; align?: string; name?: string; items: Item[] };

/** Where `spec` draws its one label in Node, beside its point's position. */
async function drawnLabel(spec: VegaSpec) {
  const view = new vega.View(vega.parse(spec), { renderer: "none" });
  try {
    await view.runAsync();
    const root = (view.scenegraph() as unknown as { root: Item }).root.items[0]!;
    const mark = (name: string) => root.items.find((item) => item.name === name)!.items;
    return { label: mark("names_marks")[0]!, point: mark("dots_marks")[0]! };
  } finally {
    view.finalize();
  }
}

describe("placeLabelsInNode", () => {
  it("swaps each label transform for one with a canvas, and leaves the rest of the spec alone", () => {
    const compiled = compileReportSpec(plot, { avoidMarks: true });
    const swapped = placeLabelsInNode(compiled);
    const steps = (spec: VegaSpec) =>
      (spec.marks as { name?: string; transform?: { type: string }[] }[]).flatMap((mark) =>
        (mark.transform ?? []).map((step) => [mark.name, step.type]),
      );
    expect(steps(compiled)).toEqual([["names_marks", pointLabelTransformType]]);
    expect(steps(swapped)).toEqual([["names_marks", "mulllabelinnode"]]);
    expect({ ...swapped, marks: undefined }).toEqual({ ...compiled, marks: undefined });
  });

  it("keeps a label off a line in Node, where the plain transform would draw it across", async () => {
    const avoiding = await drawnLabel(placeLabelsInNode(compileReportSpec(plot, { avoidMarks: true })));
    expect(avoiding.label.opacity).toBe(1);
    // Right of the point is the line: the label goes to its left, ending before the point.
    expect(avoiding.label.align).toBe("right");
    expect(avoiding.label.x).toBeLessThan(avoiding.point.x);
    const plain = await drawnLabel(compileReportSpec(plot));
    expect(plain.label.align).toBe("left");
    expect(plain.label.x).toBeGreaterThan(plain.point.x);
    // The stand-in document lived only while labels were placed.
    expect("document" in globalThis).toBe(false);
  });
});
