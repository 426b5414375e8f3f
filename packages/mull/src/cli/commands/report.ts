import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command } from "@commander-js/extra-typings";
import { partialRunOf, runCompleteness } from "../../bench/index.ts";
import { inferenceCostAbsence, minimumResamples } from "../../bench/metrics/index.ts";
import {
  databaseFileName,
  fileInsteadOfRunDirectory,
  lockFileName,
  manifestFileName,
  parseRunLocation,
} from "../../bench/store/index.ts";
import { cpuPower, machinePerformance } from "../../metrics/index.ts";
import { describeIncompleteRun } from "../../report/describe-incomplete-run.ts";
import {
  checkOutputDirectory,
  checkOutputFile,
  checkPlainFileName,
  refuseSymlinkedOutput,
} from "../../runtime/index.ts";
import { checkStoreReachable } from "../check-store-reachable.ts";
import { loadRunArgument } from "../load-run-argument.ts";
import { integerOption, numberOption } from "../option-parsers.ts";
import { refuseEmptyStore } from "../refuse-empty-store.ts";
import { refuseSearchOutput } from "../refuse-search-output.ts";
import { UsageError } from "../usage-error.ts";
import { modelShapeForm, parseModelShapeOption } from "./model-shape-option.ts";
import { reportJson } from "./report-json.ts";
import { statedModelShape } from "./stated-model-shape.ts";

/**
 * Refuses an output path that is one of the files a run directory holds for `mull bench` (even empty:
 * an empty database beside a manifest is a run whose results went missing, not a free name).
 */
function refuseRunFile(out: string, runDirectory: string, field: string): void {
  const database = join(runDirectory, databaseFileName);
  const runFiles = [
    ...["", "-wal", "-shm", "-journal"].map((suffix) => `${database}${suffix}`),
    join(runDirectory, manifestFileName),
    join(runDirectory, lockFileName),
  ].map((file) => resolve(file));
  if (runFiles.includes(resolve(out))) {
    throw new UsageError(
      `${field} ${JSON.stringify(out)}: that is a file of the run in ${runDirectory}, not a report; ` +
        `give another path, e.g. ${join(runDirectory, "report.html")}`,
      field,
    );
  }
}

/**
 * `mull report RUN_DIR` (or `mull report --store postgres://… RUN_NAME`): writes a self-contained HTML report of a stored run (accuracy against tokens
 * with the Pareto front, samples spent per problem by strategies that stop early, coverage curves,
 * accuracy by difficulty, costs, inference cost where the model's shape is known, manifest), and optionally every plot as SVG and PNG.
 * A partial run is said to be so on standard error, in the report, and in `--json` (`ReportJson.partial`).
 *
 * @example
 * program.addCommand(reportCommand());
 * // mull report runs/gsm8k --out report.html --svg plots
 * // mull report --store postgres://mull@db/runs gsm8k-sc8 --out report.html --png plots
 */
export function reportCommand() {
  return new Command("report")
    .description(
      "Write an HTML report of a bench run (Vega-Lite plots, inline and offline), and its plots as SVG/PNG. " +
        "E.g. mull report runs/gsm8k --out report.html --svg plots",
    )
    .argument("<run-dir>", "a run directory written by mull bench, or with --store the run's name")
    .option("--store <url>", "read the run from PostgreSQL (postgres://user:password@host:5432/database)")
    .option("--out <file>", "the HTML file to write (default <run-dir>/report.html; required with --store)")
    .option(
      "--name <name>",
      "write <run-dir>/<name>.html instead: a plain file name (letters, digits, . _ -), no path",
    )
    .option("--svg <dir>", "also write each plot as <dir>/<plot>.svg")
    .option("--png <dir>", "also write each plot as <dir>/<plot>.png (needs @resvg/resvg-js)")
    .option(
      "--seed <value>",
      "seed of the accuracy intervals' bootstrap (default the run's seed)",
      integerOption(0, 2 ** 31 - 1),
    )
    .option(
      "--resamples <count>",
      `bootstrap resamples for the accuracy intervals, at least ${minimumResamples} (an interval the bootstrap collapses to a point is Wilson's)`,
      integerOption(minimumResamples, 1_000_000),
      1000,
    )
    .option(
      "--watts-per-core <watts>",
      "assumed power of one busy core for the energy figures (default 10; a run over HTTP has energy figures only with it or --cores, as the server's)",
      numberOption(0, 10_000),
    )
    .option(
      "--cores <count>",
      "busy cores assumed for the energy figures (default the run's threads, 1 for a run over HTTP)",
      integerOption(1, 4096),
    )
    .option(
      "--peak-flops <gflops>",
      "peak GFLOP/s of the machine that generated, for the idealized time (with --peak-bandwidth; " +
        "a run over HTTP has an idealized time only with them, as the server's)",
      numberOption(1e-9, 1e12),
    )
    .option(
      "--peak-bandwidth <gbps>",
      "peak memory bandwidth in GB/s of the machine that generated (with --peak-flops)",
      numberOption(1e-9, 1e12),
    )
    .option(
      "--model-shape <shape>",
      `the model's shape for the inference cost, where the run recorded none (a run over HTTP; a shape other than the recorded one is refused): ${modelShapeForm}`,
      parseModelShapeOption,
    )
    .option(
      "--wrong-cost <cost>",
      "add each strategy's utility per problem to the cost table: 1 for a right answer, minus this for a wrong one, 0 for none",
      numberOption(0, 1_000_000),
    )
    .option(
      "--json",
      "print the files written as JSON, with the run's id and, for a partial run, partial (pairs recorded of planned)",
    )
    .action(async (runDirectory, flags) => {
      // Left empty (`--store "$RUNS"` with the variable unset), the run would be read from a directory.
      refuseEmptyStore(flags.store, "--store");
      const location = parseRunLocation(runDirectory, flags.store, { out: "<run-dir>" });
      if (location.kind === "postgres") {
        if (flags.out === undefined) {
          throw new UsageError("with --store, give the HTML file to write with --out", "--out");
        }
        if (flags.name !== undefined) {
          throw new UsageError("--name writes into a run directory; with --store give --out", "--name");
        }
      } else if (!existsSync(runDirectory)) {
        throw new UsageError(`<run-dir> ${JSON.stringify(runDirectory)}: no such directory`, "<run-dir>");
      } else if (!statSync(runDirectory).isDirectory()) {
        throw new UsageError(
          `<run-dir> ${JSON.stringify(runDirectory)}: ${fileInsteadOfRunDirectory(runDirectory)}`,
          "<run-dir>",
        );
      } else {
        refuseSearchOutput(runDirectory, "<run-dir>", "report");
      }
      if (flags.name !== undefined && flags.out !== undefined) {
        throw new UsageError("give either --out or --name, not both", "--name");
      }
      if (flags.name !== undefined) checkPlainFileName(flags.name, "--name");
      if ((flags.peakFlops === undefined) !== (flags.peakBandwidth === undefined)) {
        const [given, missing] =
          flags.peakFlops === undefined
            ? ["--peak-bandwidth", "--peak-flops"]
            : ["--peak-flops", "--peak-bandwidth"];
        throw new UsageError(`${given} needs ${missing} too: the roofline takes both rates`, missing);
      }
      const name = flags.name === undefined ? "report.html" : `${flags.name.replace(/\.html$/, "")}.html`;
      const out = flags.out ?? join(runDirectory, name);
      // Checked here too, to name the flags before the run loads: writeReport refuses links, a directory
      // as the file and an existing file that is not a report, before writing anything. The default file
      // is --out's: a run directory that cannot take it is left as it is, and --out writes elsewhere.
      const outField = flags.name === undefined ? "--out" : "--name";
      refuseSymlinkedOutput(out, outField, "file");
      if (location.kind === "sqlite") refuseRunFile(out, runDirectory, outField);
      checkOutputFile(out, outField, "html");
      for (const [flag, directory] of [
        ["--svg", flags.svg],
        ["--png", flags.png],
      ] as const) {
        if (directory === undefined) continue;
        refuseSymlinkedOutput(directory, flag, "directory");
        checkOutputDirectory(directory, flag);
      }
      // The store is checked naming --store: a refused login or a server down is not a wrong run name.
      if (location.kind === "postgres") await checkStoreReachable(location.url, "--store");
      const recorded = await loadRunArgument(location, "<run-dir>");
      // A stated shape stands in for a shape the run did not record, and says so wherever the report
      // shows the shape; one that contradicts the recorded shape is refused.
      const architecture = statedModelShape(recorded.manifest.backend.architecture, flags.modelShape);
      const run =
        architecture === recorded.manifest.backend.architecture
          ? recorded
          : {
              ...recorded,
              manifest: { ...recorded.manifest, backend: { ...recorded.manifest.backend, architecture } },
            };
      // A run from before machine rates were recorded gets this machine's, measured now (the report says
      // so); not a run over HTTP, which generated on its server, nor one whose rates the user states.
      const measureHere =
        run.manifest.backend.architecture !== undefined &&
        run.manifest.backend.baseUrl === undefined &&
        run.manifest.machine.performance === undefined &&
        run.manifest.machine.engine === undefined &&
        flags.peakFlops === undefined;
      const stated =
        flags.peakFlops === undefined || flags.peakBandwidth === undefined
          ? undefined
          : {
              flopsPerSecond: flags.peakFlops * 1e9,
              bytesPerSecond: flags.peakBandwidth * 1e9,
              source: "--peak-flops and --peak-bandwidth",
            };
      // Energy of a run over HTTP needs the server's power: the default describes one of this machine's cores.
      // The cores default to the engine's threads, as the default power's do; a server's are unknown: 1.
      const powerGiven = flags.wattsPerCore !== undefined || flags.cores !== undefined;
      const cores =
        flags.cores ?? (run.manifest.backend.baseUrl === undefined ? run.manifest.backend.threads : 1);
      const cost = {
        machine: measureHere ? machinePerformance() : undefined,
        rates: stated,
        power: powerGiven ? cpuPower({ wattsPerCore: flags.wattsPerCore, cores }) : undefined,
      };
      // Loaded here, not with the command: the report's Vega costs every other command half a second.
      const { writeReport } = await import("../../report/index.ts");
      const files = await writeReport(run, {
        ...cost,
        out,
        svgDirectory: flags.svg,
        pngDirectory: flags.png,
        fields: { out: outField, svgDirectory: "--svg", pngDirectory: "--png" },
        seed: flags.seed,
        resamples: flags.resamples,
        wrongCost: flags.wrongCost,
      });
      const completeness = runCompleteness(run);
      const partial = partialRunOf(completeness, describeIncompleteRun(completeness, run.manifest));
      if (partial !== undefined) process.stderr.write(`report: ${partial.statement}\n`);
      // Said for a run over HTTP, whose shape only the user can give; the embedded backend records its own.
      const absence =
        run.manifest.backend.baseUrl === undefined ? undefined : inferenceCostAbsence(run, cost);
      if (absence !== undefined) {
        const give = absence.missing === "shape" ? `; give it with --model-shape ${modelShapeForm}` : "";
        process.stderr.write(`report: no "Inference cost" section: ${absence.reason}${give}\n`);
      }
      if (flags.json) {
        const shown = reportJson(location, run.manifest.runId, partial, files);
        process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
      } else {
        process.stdout.write(`${files.map((file) => `wrote ${file}`).join("\n")}\n`);
      }
    });
}
