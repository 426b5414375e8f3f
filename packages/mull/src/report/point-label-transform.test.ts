import type { Spec as VegaSpec } from "vega";
import * as vega from "vega";
import { beforeAll, describe, expect, it } from "vitest";
import { pointLabelTransformType, registerPointLabelTransform } from "./point-label-transform.ts";

type Point = { x: number; y: number; name: string };
type Label = {
  x: number;
  y: number;
  text: string;
  opacity: number;
  align: string;
  baseline: string;
  crowded: boolean;
  fontSize: number;
};
type Box = { left: number; right: number; top: number; bottom: number };

/** Text of 10 px: Vega estimates 8 px a character where there is no canvas (Node). */
const fontSize = 10;
const characterWidth = 8;
/** Spots tried in order: right of the point, then left, then above on either side, 12 px off. */
const anchor = ["right", "left", "top-right", "top-left", "bottom-right", "bottom-left"];

/** The labels of `points`, placed by the transform with `margin` and `clearance` in a plot 200 × 100 px. */
async function place(points: readonly Point[], margin: number, clearance = 0): Promise<Label[]> {
  const spec = {
    width: 200,
    height: 100,
    data: [{ name: "points", values: points }],
    marks: [
      {
        name: "labels",
        type: "text",
        from: { data: "points" },
        encode: {
          update: {
            x: { field: "x" },
            y: { field: "y" },
            text: { field: "name" },
            fontSize: { value: fontSize },
          },
        },
        transform: [
          {
            type: pointLabelTransformType,
            size: { signal: "[width, height]" },
            anchor,
            offset: anchor.map(() => 12),
            margin,
            clearance,
          },
        ],
      },
    ],
  } as unknown as VegaSpec;
  const view = new vega.View(vega.parse(spec), { renderer: "none" });
  try {
    await view.runAsync();
    const root = (view.scenegraph() as unknown as { root: { items: { items: { items: Label[] }[] }[] } })
      .root;
    return root.items[0]!.items[0]!.items.map((item) => ({ ...item }));
  } finally {
    view.finalize();
  }
}

/** The box a placed label's text covers, as Vega estimates its width. */
function box(label: Label): Box {
  const width = label.text.length * characterWidth;
  const left =
    label.align === "right" ? label.x - width : label.align === "center" ? label.x - width / 2 : label.x;
  const top =
    label.baseline === "bottom"
      ? label.y - label.fontSize
      : label.baseline === "middle"
        ? label.y - label.fontSize / 2
        : label.y;
  return { left, right: left + width, top, bottom: top + label.fontSize };
}

/** How far apart two boxes are: the larger of their horizontal and vertical gaps (negative where they overlap). */
function gap(one: Box, other: Box): number {
  return Math.max(
    other.left - one.right,
    one.left - other.right,
    other.top - one.bottom,
    one.top - other.bottom,
  );
}

/**
 * Two points on one row, 89 px apart, the second 10 px from the plot's right edge: the first's label goes
 * right of it (12 to 44 px on), and the second's, with no room on its right, would go on its left (44 to
 * 12 px before it), ending 1 px from the first's.
 */
const facing: Point[] = [
  { x: 100, y: 50, name: "aaaa" },
  { x: 189, y: 50, name: "bbbb" },
];

describe("the report's point-label transform", () => {
  beforeAll(() => registerPointLabelTransform());

  it("without a margin, lets two labels' boxes come within a pixel of each other", async () => {
    const [first, second] = await place(facing, 0);
    expect([first!.align, second!.align]).toEqual(["left", "right"]);
    expect(gap(box(first!), box(second!))).toBeLessThanOrEqual(1);
  });

  it("keeps two labels twice the margin apart, where unwidened boxes would touch", async () => {
    const [first, second] = await place(facing, 2);
    expect([first!.opacity, second!.opacity]).toEqual([1, 1]);
    // Box to box, at least 2 × 2 px (less a pixel of Vega's rounding to its grid): not the touching spot.
    expect(gap(box(first!), box(second!))).toBeGreaterThanOrEqual(3);
    expect(second!.baseline).not.toBe("middle");
    // The first still sits right of its point, its text the margin farther out (12 + 2 px).
    expect(first!.align).toBe("left");
    expect(first!.x).toBe(facing[0]!.x + 14);
    expect(first!.y).toBe(facing[0]!.y);
    // The font size Vega was handed while placing is put back.
    expect(first!.fontSize).toBe(fontSize);
  });

  it("keeps every two labels of a crowded plot twice the margin apart", async () => {
    const crowd = Array.from({ length: 16 }, (_, index) => ({
      x: 20 + ((index * 37) % 160),
      y: 15 + ((index * 23) % 70),
      name: `s@${index}`,
    }));
    const closest = async (margin: number) => {
      const placed = (await place(crowd, margin)).filter((label) => label.opacity > 0);
      expect(placed.length).toBeGreaterThan(3);
      return Math.min(
        ...placed.flatMap((one, index) => placed.slice(index + 1).map((other) => gap(box(one), box(other)))),
      );
    };
    // Unwidened, some labels all but touch; widened by 2 px, every two keep 4 px apart (less rounding).
    expect(await closest(0)).toBeLessThan(1);
    expect(await closest(2)).toBeGreaterThanOrEqual(3);
  });

  it("marks a label crowded where another point is about as near it as its own", async () => {
    // The first label goes right of its point, 12 px on; the second point stands 8 px past that label's end.
    const points: Point[] = [
      { x: 40, y: 50, name: "pp" },
      { x: 76, y: 50, name: "qq" },
    ];
    const [near, far] = await place(points, 0, 4);
    expect(near!.align).toBe("left");
    expect(near!.crowded).toBe(true);
    // The second's label, right of it, has no other point near.
    expect(far!.align).toBe("left");
    expect(far!.crowded).toBe(false);
    // Farther apart, with the other point well clear of the label, it is its point's alone.
    const apart = await place(
      [
        { x: 40, y: 50, name: "pp" },
        { x: 120, y: 50, name: "qq" },
      ],
      0,
      4,
    );
    expect(apart.map((label) => label.crowded)).toEqual([false, false]);
  });
});
