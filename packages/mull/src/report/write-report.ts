import { dirname, join, resolve } from "node:path";
import type { RunData } from "../bench/index.ts";
import {
  checkOutputDirectory,
  checkOutputFile,
  diskFullError,
  makeOutputDirectory,
  refuseSymlinkedOutput,
  writeFileAtomically,
} from "../runtime/index.ts";
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
  /**
   * How errors name the three paths; by default the options' own names (`out`, `svgDirectory`,
   * `pngDirectory`). A command line passes its flags: `{ out: "--out", svgDirectory: "--svg", pngDirectory: "--png" }`.
   */
  readonly fields?: ReportPathFields | undefined;
}

/** The names errors give the paths of `writeReport`. */
export interface ReportPathFields {
  readonly out?: string | undefined;
  readonly svgDirectory?: string | undefined;
  readonly pngDirectory?: string | undefined;
}

/**
 * Writes one output file whole, its folder made as needed (the checks before the work leave none made);
 * a folder that cannot be made is refused naming `field`, a full disk or file-size limit is said as such.
 */
function writeOutput(path: string, data: string | Uint8Array, field: string): void {
  try {
    makeOutputDirectory(dirname(path), field);
    writeFileAtomically(path, data);
  } catch (error) {
    throw diskFullError(error, path) ?? error;
  }
}

/**
 * Builds a run's report and writes the HTML file, and when asked the plots as SVG (rendered headless by
 * Vega in Node) and PNG (converted from that SVG). Folders are created as needed; each file is written
 * whole (a temporary file renamed over it), and only where nothing is or an earlier file of the same
 * kind was: an HTML report over an HTML document, a plot over an image of its format.
 *
 * @throws ConfigError (before anything is written) when the HTML file, its folder or a plot folder is a
 * symbolic link; when the HTML file is a directory or a plot folder a file; or when an existing file at
 * one of the paths holds something else (a run's database, its manifest).
 * @throws MullError naming the file when the disk is full or a file-size limit was hit; the file that
 * was there is left as it was.
 * @returns the absolute paths of the files written, the HTML first.
 * @example
 * await writeReport(loadRun("runs/lab"), { out: "report.html", svgDirectory: "plots" });
 */
export async function writeReport(run: RunData, options: WriteReportOptions): Promise<string[]> {
  const outField = options.fields?.out ?? "out";
  const svgField = options.fields?.svgDirectory ?? "svgDirectory";
  const pngField = options.fields?.pngDirectory ?? "pngDirectory";
  const out = resolve(options.out);
  refuseSymlinkedOutput(out, outField, "file");
  if (options.svgDirectory !== undefined) refuseSymlinkedOutput(options.svgDirectory, svgField, "directory");
  if (options.pngDirectory !== undefined) refuseSymlinkedOutput(options.pngDirectory, pngField, "directory");
  checkOutputFile(out, outField, "html");
  if (options.svgDirectory !== undefined) checkOutputDirectory(options.svgDirectory, svgField);
  if (options.pngDirectory !== undefined) checkOutputDirectory(options.pngDirectory, pngField);
  const report = buildReport(run, options);
  const plotFile = (directory: string | undefined, name: string, format: "svg" | "png") =>
    directory === undefined ? undefined : join(resolve(directory), `${name}.${format}`);
  for (const name of Object.keys(report.specs)) {
    const svgFile = plotFile(options.svgDirectory, name, "svg");
    const pngFile = plotFile(options.pngDirectory, name, "png");
    if (svgFile !== undefined) checkOutputFile(svgFile, svgField, "svg");
    if (pngFile !== undefined) checkOutputFile(pngFile, pngField, "png");
  }
  const written: string[] = [];
  writeOutput(out, report.html, outField);
  written.push(out);
  if (options.svgDirectory === undefined && options.pngDirectory === undefined) return written;
  for (const [name, spec] of Object.entries(report.specs)) {
    const svg = await renderSvg(spec);
    const svgFile = plotFile(options.svgDirectory, name, "svg");
    if (svgFile !== undefined) {
      writeOutput(svgFile, svg, svgField);
      written.push(svgFile);
    }
    const pngFile = plotFile(options.pngDirectory, name, "png");
    if (pngFile !== undefined) {
      writeOutput(pngFile, await renderPng(svg), pngField);
      written.push(pngFile);
    }
  }
  return written;
}
