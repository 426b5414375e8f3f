import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/**
 * Renders a Vega-Lite spec to an SVG document in Node, with no browser: the spec is compiled to Vega
 * and run headless (`renderer: "none"`). Text is measured by Vega's estimate, as there is no canvas.
 *
 * @example
 * const svg = await renderSvg(buildReport(run).specs.coverage!);
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
