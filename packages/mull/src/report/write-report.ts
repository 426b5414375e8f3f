import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { RunData } from "../bench/run-data.ts";
import { refuseSymlinkedOutput, writeFileAtomically } from "../runtime/index.ts";
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
 * Vega in Node) and PNG (converted from that SVG). Folders are created as needed; each file is written
 * whole (a temporary file renamed over it).
 *
 * @throws ConfigError (before anything is written) when the HTML file, its folder or a plot folder is a
 * symbolic link.
 * @returns the absolute paths of the files written, the HTML first.
 * @example
 * await writeReport(loadRun("runs/lab"), { out: "report.html", svgDirectory: "plots" });
 */
export async function writeReport(run: RunData, options: WriteReportOptions): Promise<string[]> {
  const out = resolve(options.out);
  refuseSymlinkedOutput(out, "out", "file");
  if (options.svgDirectory !== undefined)
    refuseSymlinkedOutput(options.svgDirectory, "svgDirectory", "directory");
  if (options.pngDirectory !== undefined)
    refuseSymlinkedOutput(options.pngDirectory, "pngDirectory", "directory");
  const report = buildReport(run, options);
  const written: string[] = [];
  mkdirSync(dirname(out), { recursive: true });
  writeFileAtomically(out, report.html);
  written.push(out);
  if (options.svgDirectory === undefined && options.pngDirectory === undefined) return written;
  for (const [name, spec] of Object.entries(report.specs)) {
    const svg = await renderSvg(spec);
    if (options.svgDirectory !== undefined) {
      const file = join(resolve(options.svgDirectory), `${name}.svg`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileAtomically(file, svg);
      written.push(file);
    }
    if (options.pngDirectory !== undefined) {
      const file = join(resolve(options.pngDirectory), `${name}.png`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileAtomically(file, await renderPng(svg));
      written.push(file);
    }
  }
  return written;
}
