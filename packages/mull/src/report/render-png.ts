import { MullError } from "../errors/index.ts";

/** Settings of `renderPng`. */
export interface RenderPngOptions {
  /** Pixels per SVG unit; default 2 (sharp on high-density screens). */
  readonly scale?: number | undefined;
}

/**
 * Converts an SVG document to PNG with @resvg/resvg-js, an optional dependency loaded only here. Text
 * uses the system's fonts; the background is white.
 *
 * @throws MullError when @resvg/resvg-js is not installed, saying how to install it.
 * @example
 * writeFileSync("coverage.png", await renderPng(await renderSvg(spec)));
 */
export async function renderPng(svg: string, options: RenderPngOptions = {}): Promise<Uint8Array> {
  let resvg: typeof import("@resvg/resvg-js");
  try {
    resvg = await import("@resvg/resvg-js");
  } catch (error) {
    throw new MullError(
      "PNG export needs the optional package @resvg/resvg-js, which is not installed (npm install @resvg/resvg-js); SVG export works without it",
      { cause: error },
    );
  }
  const renderer = new resvg.Resvg(svg, {
    fitTo: { mode: "zoom", value: options.scale ?? 2 },
    background: "white",
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
  });
  return renderer.render().asPng();
}
