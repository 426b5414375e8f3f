import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { RunData } from "../bench/run-data.ts";
import { type BuildReportOptions, buildReport } from "./build-report.ts";
import { renderPng } from "./render-png.ts";
import { renderSvg } from "./render-svg.ts";

/** Where to write a report and its plot images. */
export interface WriteReportOptions extends BuildReportOptions {
  /** The HTML file. */
  readonly out: string;
  /** A folder for one SVG per plot (`<plot>.svg`). */
  readonly svgDirectory?: string | undefined;
  /** A folder for one PNG per plot (`<plot>.png`); needs @resvg/resvg-js. */
  readonly pngDirectory?: string | undefined;
}

/**
 * Builds a run's report and writes the HTML file, and when asked the plots as SVG (rendered headless by
 * Vega in Node) and PNG (converted from that SVG). Folders are created as needed.
 *
 * @returns the absolute paths of the files written, the HTML first.
 * @example
 * await writeReport(loadRun("runs/lab"), { out: "report.html", svgDirectory: "plots" });
 */
export async function writeReport(run: RunData, options: WriteReportOptions): Promise<string[]> {
  const report = buildReport(run, options);
  const written: string[] = [];
  const out = resolve(options.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, report.html);
  written.push(out);
  if (options.svgDirectory === undefined && options.pngDirectory === undefined) return written;
  for (const [name, spec] of Object.entries(report.specs)) {
    const svg = await renderSvg(spec);
    if (options.svgDirectory !== undefined) {
      const file = join(resolve(options.svgDirectory), `${name}.svg`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, svg);
      written.push(file);
    }
    if (options.pngDirectory !== undefined) {
      const file = join(resolve(options.pngDirectory), `${name}.png`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, await renderPng(svg));
      written.push(file);
    }
  }
  return written;
}
