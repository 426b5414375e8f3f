import type { Spec as VegaSpec } from "vega";
import { pointLabelTransformType, registerPointLabelTransform } from "./point-label-transform.ts";

/**
 * Which text layer of a Vega-Lite plot names its points, declared in the plot's `usermeta` under
 * `pointLabels` and applied by `compileReportSpec`.
 */
export interface PointLabelSettings {
  /** The name of the text layer; its mark is `<name>_marks` once compiled. */
  readonly layer: string;
  /** Layers whose marks the labels stay off (the points themselves), where text can be measured. */
  readonly avoid: readonly string[];
}

/** Pixels between a point and its label when there is room beside it: clear of a ringed point's ring. */
const nearOffset = 12;
/** Farther spots, tried when every near one is taken; a leader line then joins the label to its point. */
const farOffsets = [22, 36, 52] as const;
/** Sides of a point to try at each distance, in order: right and left read best beside a point. */
const anchors = [
  "right",
  "left",
  "top-right",
  "bottom-right",
  "top-left",
  "bottom-left",
  "top",
  "bottom",
] as const;
/** Gap between a leader line and its point's centre, so the line starts at the point's edge. */
const leaderGap = 6;
/** Pixels kept clear around each label while placing: two labels stay at least twice this apart. */
const labelMargin = 2;
/**
 * A label with another point no more than this many pixels farther from it than its own reads as that
 * point's: it gets a leader line to its own.
 */
const crowdedWithin = 6;

/** The candidate spots of a label: every side at the near distance, then every side farther out. */
function candidates(): { anchor: string[]; offset: number[] } {
  const distances = [nearOffset, ...farOffsets];
  return {
    anchor: distances.flatMap(() => [...anchors]),
    offset: distances.flatMap((distance) => anchors.map(() => distance)),
  };
}

interface VegaMark {
  name?: string;
  type?: string;
  clip?: boolean;
  encode?: { update?: Record<string, unknown> };
  transform?: unknown[];
  zindex?: number;
}

/**
 * Places a plot's point labels so that no two overlap or touch, with the report's label transform
 * (Vega's `label` with a margin: `pointLabelTransformScript`), at the plot's size whenever it is drawn (so
 * a plot resized to its page keeps its labels apart): each label goes to the first free spot of its
 * candidates (right of its point, left, the diagonals, above, below; near, then farther with a leader
 * line back to the point), its box widened by 2 px on every side, never over another label, its own
 * point or (where text can be measured: `avoidMarks`) the marks of `settings.avoid`, and never outside
 * the plot. A label that sits about as near another point as its own (within 6 px) gets a leader line
 * too, so that it is not read as that point's. A label with no free spot is not drawn (opacity 0): its
 * strategy stays named by the legend. Labels of Pareto-front points (`datum.front`) are placed first.
 *
 * The text mark keeps its point's position in `anchorX` and `anchorY`, and a rule mark
 * `<layer>_leaders` draws the leader lines. `avoidMarks` needs a canvas: a browser has one, Node has one
 * only through `placeLabelsInNode`; without it the labels avoid only each other and the points' centres.
 * The transform is registered in this process's Vega when a spec is placed; a page registers it itself
 * (`reportRenderScript`).
 *
 * @example
 * const vega = placePointLabels(compile(spec).spec, { layer: "labels", avoid: ["points"] }, { avoidMarks: true });
 */
export function placePointLabels(
  spec: VegaSpec,
  settings: PointLabelSettings,
  options: { readonly avoidMarks: boolean },
): VegaSpec {
  registerPointLabelTransform();
  const markName = `${settings.layer}_marks`;
  const marks = (spec.marks ?? []) as VegaMark[];
  const index = marks.findIndex((mark) => mark.name === markName && mark.type === "text");
  if (index === -1) return spec;
  const mark = marks[index]!;
  const update = { ...mark.encode?.update };
  // The transform decides where the text sits and how it is aligned; an offset would move it off that spot.
  for (const channel of ["dx", "dy", "align", "baseline"]) delete update[channel];
  const { anchor, offset } = candidates();
  const placed: VegaMark = {
    ...mark,
    zindex: 1,
    // A label with no free spot keeps no position; clipped to the plot, it cannot widen the drawing.
    clip: true,
    encode: { ...mark.encode, update: { ...update, anchorX: update.x, anchorY: update.y } },
    transform: [
      {
        type: pointLabelTransformType,
        size: { signal: "[width, height]" },
        anchor,
        offset,
        margin: labelMargin,
        clearance: crowdedWithin,
        // Pareto-front points first, then the longest labels, which have the fewest free spots.
        sort: { field: ["datum.front", "text.length"], order: ["descending", "descending"] },
        ...(options.avoidMarks
          ? { avoidMarks: settings.avoid.flatMap((layer) => compiledMark(marks, layer)) }
          : {}),
      },
    ],
  };
  const distance = "sqrt(pow(datum.x - datum.anchorX, 2) + pow(datum.y - datum.anchorY, 2))";
  const leaders = {
    name: `${settings.layer}_leaders`,
    type: "rule",
    from: { data: markName },
    clip: true,
    encode: {
      update: {
        x: {
          signal: `datum.anchorX + (datum.x - datum.anchorX) * ${leaderGap} / max(${leaderGap}, ${distance})`,
        },
        y: {
          signal: `datum.anchorY + (datum.y - datum.anchorY) * ${leaderGap} / max(${leaderGap}, ${distance})`,
        },
        x2: { field: "x" },
        y2: { field: "y" },
        stroke: { value: "#777" },
        strokeWidth: { value: 1 },
        // A label pushed past the near spots, or as near another point as its own, needs a line to its point.
        opacity: {
          signal: `datum.opacity > 0 && (datum.crowded || ${distance} > ${nearOffset + labelMargin + 8}) ? 0.8 : 0`,
        },
      },
    },
  };
  const placedMarks = [...marks.slice(0, index), placed, leaders, ...marks.slice(index + 1)];
  return { ...spec, marks: placedMarks } as VegaSpec;
}

/**
 * The name of a layer's mark once compiled: `<layer>_marks`, or `<layer>_pathgroup` for lines that
 * Vega-Lite draws one per group (`detail`) inside a group mark; none when the plot has no such layer.
 */
function compiledMark(marks: readonly VegaMark[], layer: string): string[] {
  const names = [`${layer}_marks`, `${layer}_pathgroup`];
  return names.filter((name) => marks.some((mark) => mark.name === name)).slice(0, 1);
}
