import * as vega from "vega";
import type { TopLevelSpec } from "vega-lite";
import { compileReportSpec } from "./compile-report-spec.ts";
import { placeLabelsInNode } from "./place-labels-in-node.ts";

/**
 * Renders one of the report's Vega-Lite plots to an SVG document in Node, with no browser: the spec is
 * compiled as the page compiles it (`compileReportSpec`, point labels placed apart and off the marks they
 * avoid, which `placeLabelsInNode` lets Vega do without a canvas) and run headless (`renderer: "none"`).
 * Text is measured by Vega's estimate, as there is no canvas: an estimate wider than the text, so labels
 * keep apart and legends, sized for it, cut no name.
 *
 * @example
 * const svg = await renderSvg(buildReport(run).specs.coverage!);
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(placeLabelsInNode(compileReportSpec(spec, { avoidMarks: true }))), {
    renderer: "none",
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
