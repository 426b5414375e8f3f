import type { InferenceCostSummary } from "../bench/metrics/index.ts";
import type { MachinePerformance } from "../metrics/index.ts";
import type { ModelArchitecture } from "../spec/index.ts";
import { table } from "./html-blocks.ts";
import { escapeHtml } from "./html-text.ts";

const numberFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

function whole(value: number): string {
  return numberFormat.format(value);
}

function scientific(value: number): string {
  return Number.isFinite(value) ? value.toExponential(2) : "unknown";
}

function milliseconds(seconds: number | undefined): string {
  return seconds !== undefined && Number.isFinite(seconds) ? (seconds * 1000).toPrecision(3) : "unknown";
}

function precise(value: number | undefined): string {
  return value !== undefined && Number.isFinite(value) ? value.toPrecision(3) : "unknown";
}

function inferenceCostTable(cost: InferenceCostSummary): string {
  // Columns the run has no figures for (a run over HTTP without stated rates or power) are left out.
  const idealized = cost.machine !== undefined;
  const energy = cost.power !== undefined;
  const header = [
    "strategy",
    "problems",
    "FLOPs / problem",
    ...(idealized ? ["idealized ms / problem"] : []),
    "measured ms / problem",
    ...(idealized ? ["idealized / measured"] : []),
    ...(energy ? ["energy / problem (J, measured time)"] : []),
    ...(energy && idealized ? ["energy / problem (J, idealized time)"] : []),
  ];
  const rows = cost.strategies.map((strategy) => [
    strategy.strategy,
    String(strategy.problems),
    scientific(strategy.flopsPerProblem),
    ...(idealized ? [milliseconds(strategy.idealizedSecondsPerProblem)] : []),
    milliseconds(strategy.measuredSecondsPerProblem),
    ...(idealized ? [precise(strategy.idealizedToMeasured)] : []),
    ...(energy ? [precise(strategy.energyJoulesPerProblem)] : []),
    ...(energy && idealized ? [precise(strategy.idealizedEnergyJoulesPerProblem)] : []),
  ]);
  return table(header, rows, "inference-cost");
}

export function shapeText(architecture: ModelArchitecture | undefined): string {
  if (architecture === undefined) return "unknown";
  const parts = [
    `${architecture.type === undefined ? "" : `${architecture.type}, `}${whole(architecture.parameters)} parameters`,
    `${architecture.layers} layers`,
    `d ${architecture.embedding}`,
    ...(architecture.heads === undefined
      ? []
      : [
          `${architecture.heads} heads${architecture.keyValueHeads === undefined || architecture.keyValueHeads === architecture.heads ? "" : ` (${architecture.keyValueHeads} key/value)`}`,
        ]),
    ...(architecture.feedForward === undefined ? [] : [`feed-forward ${architecture.feedForward}`]),
    ...(architecture.vocabulary === undefined ? [] : [`vocabulary ${architecture.vocabulary}`]),
    ...(architecture.contextLength === undefined ? [] : [`context ${architecture.contextLength}`]),
    ...(architecture.weightBytes === undefined ? [] : [`weights ${whole(architecture.weightBytes)} bytes`]),
  ];
  return parts.join(", ");
}

export function ratesText(machine: MachinePerformance | undefined): string {
  if (machine === undefined) return "not measured";
  return `${(machine.flopsPerSecond / 1e9).toPrecision(3)} GFLOP/s, ${(machine.bytesPerSecond / 1e9).toPrecision(3)} GB/s${machine.source === undefined ? "" : ` (${machine.source})`}`;
}

function ratesNote(cost: InferenceCostSummary, machine: MachinePerformance): string {
  const origin =
    cost.ratesOrigin === "stated"
      ? "stated for this report, not measured"
      : cost.ratesOrigin === "run"
        ? "recorded with the run"
        : "measured when this report was built, not on the run's machine";
  if (cost.measuredRates.length <= 1) return `the machine's peak rates (${ratesText(machine)}; ${origin})`;
  return (
    `the machine's peak rates, the highest FLOP/s and the highest bandwidth measured (${origin}) so that the idealized time stays a lower bound: ` +
    `${ratesText(machine)}; measured: ${cost.measuredRates.map((rates) => ratesText(rates)).join("; ")}`
  );
}

/**
 * Why a run over HTTP lacks idealized time or energy, in one line; `undefined` when nothing is left out.
 * The client's rates and cores describe the wrong machine: the server generated.
 */
export function remoteCostReason(cost: InferenceCostSummary): string | undefined {
  if (cost.server === undefined) return undefined;
  const missing = [
    ...(cost.machine === undefined ? ["idealized time"] : []),
    ...(cost.power === undefined ? ["energy"] : []),
  ];
  if (missing.length === 0) return undefined;
  const give = [
    ...(cost.machine === undefined ? ["its peak rates (mull report --peak-flops, --peak-bandwidth)"] : []),
    ...(cost.power === undefined ? ["its power (--watts-per-core, --cores)"] : []),
  ];
  return (
    `No ${missing.join(" or ")}: the run generated on the server at ${cost.server}, whose machine this run did not measure ` +
    `(the recorded rates and cores are the client's); give ${give.join(" and ")} to estimate ${missing.length === 1 ? "it" : "them"}.`
  );
}

function inferenceCostNote(cost: InferenceCostSummary): string {
  const machine = cost.machine;
  return (
    `Estimated from the model's shape (${shapeText(cost.architecture)})${machine === undefined ? "" : ` and ${ratesNote(cost, machine)}`}. ` +
    "FLOPs per token: 2 × parameters + 2 × layers × context × d (Kaplan et al. 2020); bytes per generated token: the weights plus the key/value cache of the context (f16). " +
    "Each problem's prompt tokens are split evenly over its calls and its completion tokens over its samples, each sample decoded alone (no batching)" +
    (machine === undefined
      ? ". "
      : "; idealized time is the roofline: every step takes the longer of its FLOPs at peak FLOP/s and its bytes at peak bandwidth. ") +
    (cost.power === undefined
      ? ""
      : `Energy is time × ${cost.power.watts} W: ${cost.power.basis}; nothing is metered.`) +
    (cost.omitted.length === 0
      ? ""
      : ` Left out, as more than one model generated: ${cost.omitted.join(", ")}.`)
  ).trim();
}

/**
 * The report's "Inference cost" section: per strategy FLOPs, idealized and measured time, and energy per
 * problem, with a note stating the model shape, the machine's rates and every assumption behind them; for a
 * run over HTTP without the server's rates or power, the columns they would give are left out and a line
 * says why.
 */
export function inferenceCostSection(cost: InferenceCostSummary): string {
  const reason = remoteCostReason(cost);
  return [
    "<h2>Inference cost</h2>",
    ...(reason === undefined ? [] : [`<p class="note">${escapeHtml(reason)}</p>`]),
    `<div class="table-wrap">${inferenceCostTable(cost)}</div>`,
    `<p class="note">${escapeHtml(inferenceCostNote(cost))}</p>`,
  ].join("\n");
}
