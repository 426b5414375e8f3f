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

function milliseconds(seconds: number): string {
  return Number.isFinite(seconds) ? (seconds * 1000).toPrecision(3) : "unknown";
}

function inferenceCostTable(cost: InferenceCostSummary): string {
  const header = [
    "strategy",
    "problems",
    "FLOPs / problem",
    "idealized ms / problem",
    "measured ms / problem",
    "idealized / measured",
    "energy / problem (J, measured time)",
    "energy / problem (J, idealized time)",
  ];
  const rows = cost.strategies.map((strategy) => [
    strategy.strategy,
    String(strategy.problems),
    scientific(strategy.flopsPerProblem),
    milliseconds(strategy.idealizedSecondsPerProblem),
    milliseconds(strategy.measuredSecondsPerProblem),
    Number.isFinite(strategy.idealizedToMeasured) ? strategy.idealizedToMeasured.toPrecision(3) : "unknown",
    strategy.energyJoulesPerProblem.toPrecision(3),
    strategy.idealizedEnergyJoulesPerProblem.toPrecision(3),
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

function ratesNote(cost: InferenceCostSummary): string {
  const origin = cost.machineFromRun
    ? "recorded with the run"
    : "measured when this report was built, not on the run's machine";
  if (cost.measuredRates.length <= 1)
    return `the machine's peak rates (${ratesText(cost.machine)}; ${origin})`;
  return (
    `the machine's peak rates, the highest FLOP/s and the highest bandwidth measured (${origin}) so that the idealized time stays a lower bound: ` +
    `${ratesText(cost.machine)}; measured: ${cost.measuredRates.map((rates) => ratesText(rates)).join("; ")}`
  );
}

function inferenceCostNote(cost: InferenceCostSummary): string {
  return (
    `Estimated from the model's shape (${shapeText(cost.architecture)}) and ${ratesNote(cost)}. ` +
    "FLOPs per token: 2 × parameters + 2 × layers × context × d (Kaplan et al. 2020); bytes per generated token: the weights plus the key/value cache of the context (f16). " +
    "Each problem's prompt tokens are split evenly over its calls and its completion tokens over its samples, each sample decoded alone (no batching); idealized time is the roofline: every step takes the longer of its FLOPs at peak FLOP/s and its bytes at peak bandwidth. " +
    `Energy is time × ${cost.power.watts} W: ${cost.power.basis}; nothing is metered.` +
    (cost.omitted.length === 0
      ? ""
      : ` Left out, as more than one model generated: ${cost.omitted.join(", ")}.`)
  );
}

/**
 * The report's "Inference cost" section: per strategy FLOPs, idealized and measured time, and energy per
 * problem, with a note stating the model shape, the machine's rates and every assumption behind them.
 */
export function inferenceCostSection(cost: InferenceCostSummary): string {
  return [
    "<h2>Inference cost</h2>",
    `<div class="table-wrap">${inferenceCostTable(cost)}</div>`,
    `<p class="note">${escapeHtml(inferenceCostNote(cost))}</p>`,
  ].join("\n");
}
