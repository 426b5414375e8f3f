import type { Spec as VegaSpec } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { type PointLabelSettings, placePointLabels } from "./point-label-placement.ts";

/** Settings of `compileReportSpec`. */
export interface CompileReportSpecOptions {
  /**
   * Whether point labels avoid other marks (Vega's `avoidMarks`), which needs a canvas: true for the
   * browser's page and for the exports, which Node draws through `placeLabelsInNode`; false (the default)
   * for a plain Vega view in Node, which has no canvas and would fail.
   */
  readonly avoidMarks?: boolean | undefined;
}

/**
 * Compiles one of the report's Vega-Lite plots to Vega, with what Vega-Lite cannot say: the point labels
 * a plot declares in `usermeta.pointLabels` are placed apart (`placePointLabels`), and a plot of panels
 * wrapped into columns gets its column count as the signal `columns`, so a page can lay the panels out
 * in fewer columns where it is narrow. The page and the SVG and PNG exports draw the same compiled plot.
 *
 * @example
 * const view = new vega.View(vega.parse(compileReportSpec(spec)), { renderer: "none" });
 */
export function compileReportSpec(spec: TopLevelSpec, options: CompileReportSpecOptions = {}): VegaSpec {
  let compiled = compile(spec).spec as VegaSpec;
  const labels = spec.usermeta?.pointLabels as PointLabelSettings | undefined;
  if (labels !== undefined) {
    compiled = placePointLabels(compiled, labels, { avoidMarks: options.avoidMarks ?? false });
  }
  const layout = compiled.layout as { columns?: unknown } | undefined;
  if (layout !== undefined && typeof layout.columns === "number" && layout.columns > 1) {
    compiled = {
      ...compiled,
      signals: [...(compiled.signals ?? []), { name: "columns", value: layout.columns }],
      layout: { ...layout, columns: { signal: "columns" } },
    } as VegaSpec;
  }
  return compiled;
}
