import type { InferenceCostSummary } from "../bench/metrics/index.ts";
import { highestRates, type MachinePerformance } from "../metrics/index.ts";
import type { ModelArchitecture } from "../spec/index.ts";
import { table } from "./html-blocks.ts";
import { escapeHtml } from "./html-text.ts";
import { millisecondsText } from "./milliseconds-text.ts";

const numberFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

function whole(value: number): string {
  return numberFormat.format(value);
}

function scientific(value: number): string {
  return Number.isFinite(value) ? value.toExponential(2) : "unknown";
}

function milliseconds(seconds: number | undefined): string {
  return millisecondsText(seconds === undefined ? undefined : seconds * 1000);
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
    "latency ms / problem",
    "engine ms / problem",
    ...(idealized ? ["idealized / engine"] : []),
    ...(energy ? ["energy / problem (J, engine time)"] : []),
    ...(energy && idealized ? ["energy / problem (J, idealized time)"] : []),
  ];
  const rows = cost.strategies.map((strategy) => [
    strategy.strategy,
    String(strategy.problems),
    scientific(strategy.flopsPerProblem),
    ...(idealized ? [milliseconds(strategy.idealizedSecondsPerProblem)] : []),
    milliseconds(strategy.latencySecondsPerProblem),
    milliseconds(strategy.engineSecondsPerProblem),
    ...(idealized ? [precise(strategy.idealizedToEngine)] : []),
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
  const highest = highestRates(cost.measuredRates) ?? machine;
  const measured =
    cost.measuredRates.length <= 1
      ? `the machine's peak rates (${ratesText(highest)}; ${origin})`
      : `the machine's peak rates, the highest FLOP/s and the highest bandwidth measured (${origin}): ` +
        `${ratesText(highest)}; measured: ${cost.measuredRates.map((rates) => ratesText(rates)).join("; ")}`;
  return cost.rateScale > 1
    ? `${measured}, both raised ${cost.rateScale.toPrecision(3)}× to ${ratesText({ ...machine, source: undefined })}`
    : measured;
}

/** What the FLOPs count of the prompts, by whether the backend said which prompt tokens it had cached. */
function promptNote(cost: InferenceCostSummary): string {
  const reported = cost.cachedCountsReported;
  const total = cost.resultsCounted;
  if (total > 0 && reported === total) {
    return "the prompt tokens evaluated (those the backend served from its cache left out)";
  }
  const assumed =
    "one prompt per problem (an engine that shares the prompt among a problem's calls evaluates no more)";
  if (reported === 0) {
    return `${assumed}, as the run does not record which prompt tokens the backend served from its cache`;
  }
  return `the prompt tokens evaluated where the backend said which it served from its cache (${reported} of ${total} problems), elsewhere ${assumed}`;
}

/** Why the idealized time bounds every pair's latency, and the pair that raised the rates if one did. */
function boundNote(cost: InferenceCostSummary): string {
  const fastest = cost.fastestPair;
  if (fastest === undefined) {
    return "It is a lower bound of every pair's latency: no pair finished sooner than the rates allow. ";
  }
  return (
    `It is a lower bound of every pair's latency: the pair ${fastest.strategy} on ${fastest.problemId} took ` +
    `${milliseconds(fastest.latencySeconds)} ms where the measured rates allow no less than ` +
    `${milliseconds(fastest.idealizedSeconds)} ms, so they were measured below the machine's peak (on a busy machine, ` +
    `or below what batched decoding reaches) and are raised ${cost.rateScale.toPrecision(3)}×. `
  );
}

/** How the run's pairs shared its engines, and so what engine time charges each. */
function executionNote(cost: InferenceCostSummary): string {
  const { concurrency, engines, threads, share } = cost.execution;
  const latency = "Latency is each pair's wall time from its start to its answer. ";
  if (concurrency === undefined || engines === undefined) {
    return (
      `${latency}The run does not record its pairs in flight or its contexts (older runs do not): ` +
      "engine time is each pair's whole latency, which overstates it, and the energy, where pairs ran side by side. "
    );
  }
  const pairs = `${concurrency} ${concurrency === 1 ? "pair" : "pairs"} in flight`;
  const where =
    cost.server === undefined
      ? `${engines} ${engines === 1 ? "context" : "contexts"}${threads === undefined ? "" : ` of ${threads} ${threads === 1 ? "thread" : "threads"}`}`
      : "the server";
  if (share >= 1) {
    return `${latency}The run had ${pairs} on ${where}: each pair had an engine to itself, and engine time is its latency, or its idealized time where that is longer. `;
  }
  const inUse = Math.min(engines, concurrency);
  return (
    `${latency}The run had ${pairs} on ${where}, so pairs shared ${cost.server !== undefined ? "it" : engines === 1 ? "the context" : "the contexts"} and their latencies overlap ` +
    `(they add up to about ${Number((1 / share).toPrecision(3))}× the engines' time): engine time charges each pair its share, ` +
    `latency × ${inUse} / ${concurrency}, and never less than its idealized time. `
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
    "FLOPs per token: 2 × parameters + 2 × layers × context × d (Kaplan et al. 2020), counted for the work no engine can skip: " +
    `every completion token, and ${promptNote(cost)}. ` +
    (machine === undefined
      ? ""
      : "Idealized time is the roofline of that work on one engine: the prompt in one step, then each problem's completions " +
        "decoded side by side, every step taking the longer of its FLOPs at peak FLOP/s and its bytes (the weights once, " +
        `plus each sequence's key/value cache, f16) at peak bandwidth. ${boundNote(cost)}`) +
    executionNote(cost) +
    (cost.power === undefined
      ? ""
      : `Energy is time × ${cost.power.watts} W: ${cost.power.basis}, over the engine time${machine === undefined ? "" : " or the idealized time"}; nothing is metered.`) +
    (cost.omitted.length === 0
      ? ""
      : ` Left out, as more than one model generated: ${cost.omitted.join(", ")}.`)
  ).trim();
}

/**
 * The report's "Inference cost" section: per strategy FLOPs, idealized time, latency, engine time and
 * energy per problem, with a note stating the model shape, the machine's rates (and why they were raised,
 * where they were), the pairs in flight and every assumption behind them; for a run over HTTP without the
 * server's rates or power, the columns they would give are left out and a line says why.
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
