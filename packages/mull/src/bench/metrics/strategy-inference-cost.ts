import {
  cpuPower,
  energyJoules,
  highestRates,
  idealizedSeconds,
  type MachinePerformance,
  type PowerAssumption,
  sequenceFlops,
} from "../../metrics/index.ts";
import type { ModelArchitecture } from "../../spec/index.ts";
import type { ProblemResult, RunData } from "../run-data.ts";
import { strategyOrder } from "./strategy-order.ts";

/**
 * A strategy's compute, idealized time and energy, as means per problem. A figure is `undefined` where the
 * rates or the power it needs are unknown: for a run over HTTP, unless the user stated the server's.
 */
export interface StrategyInferenceCost {
  readonly strategy: string;
  /** Problems whose prompt and completion tokens are known (the others are left out of the means). */
  readonly problems: number;
  readonly flopsPerProblem: number;
  /** Roofline time on the machine, per problem. */
  readonly idealizedSecondsPerProblem: number | undefined;
  /** Measured wall time (the results' latencies), per problem. */
  readonly measuredSecondsPerProblem: number;
  /** Idealized time over measured time; how close the engine came to the machine's peak. */
  readonly idealizedToMeasured: number | undefined;
  /** Measured time × the assumed power, per problem. */
  readonly energyJoulesPerProblem: number | undefined;
  /** Idealized time × the assumed power, per problem. */
  readonly idealizedEnergyJoulesPerProblem: number | undefined;
}

/** Where the roofline's rates came from. */
export type RatesOrigin =
  /** Recorded in the run's manifest, on the machine that generated. */
  | "run"
  /** `InferenceCostOptions.machine`, for a run that recorded none (measured where the report is built). */
  | "caller"
  /** `InferenceCostOptions.rates`, stated by the user. */
  | "stated";

/** The inference cost of a run's strategies and what it was computed from. */
export interface InferenceCostSummary {
  readonly architecture: ModelArchitecture;
  /**
   * The rates the roofline used: the highest FLOP/s and the highest bandwidth of `measuredRates`;
   * `undefined` for a run over HTTP without stated rates (its strategies then have no idealized time).
   */
  readonly machine: MachinePerformance | undefined;
  /** Every measurement of the peak rates considered (JavaScript's, and the backend engine's when recorded). */
  readonly measuredRates: readonly MachinePerformance[];
  /** Where `machine` came from; `undefined` without it. */
  readonly ratesOrigin: RatesOrigin | undefined;
  /**
   * The power the energy figures assume; `undefined` for a run over HTTP without a stated power (its
   * strategies then have no energy figures).
   */
  readonly power: PowerAssumption | undefined;
  /**
   * The server's base URL when the run generated over HTTP. The manifest's machine rates and the default
   * power then describe the client, not the machine that generated, so neither is used.
   */
  readonly server: string | undefined;
  readonly strategies: readonly StrategyInferenceCost[];
  /**
   * Strategies left out: routing strategies (their results record tokens by model), whose other models'
   * shapes the run lacks.
   */
  readonly omitted: readonly string[];
}

/** Settings of {@link summarizeInferenceCost}. */
export interface InferenceCostOptions {
  /**
   * Peak rates to use when the run's manifest has none (runs from before they were recorded), measured
   * where the report is built; never used for a run over HTTP, whose generating machine is the server.
   */
  readonly machine?: MachinePerformance | undefined;
  /**
   * Peak rates of the machine that generated, as the user states them (for a run over HTTP, the server's);
   * they replace the recorded ones. A run over HTTP gets an idealized time only with them.
   */
  readonly rates?: MachinePerformance | undefined;
  /**
   * Power for the energy figures; default `cpuPower()` (10 W for one core), except for a run over HTTP,
   * which gets energy figures only with a power given here.
   */
  readonly power?: PowerAssumption | undefined;
}

interface Totals {
  problems: number;
  flops: number;
  idealized: number;
  measured: number;
}

/**
 * One problem's cost: its prompt tokens split evenly over its calls (each a prompt evaluated once) and
 * its completion tokens evenly over its samples (each decoded alone after one call's prompt).
 */
function problemCost(
  architecture: ModelArchitecture,
  machine: MachinePerformance | undefined,
  result: ProblemResult,
) {
  if (result.promptTokens === undefined || result.completionTokens === undefined) return undefined;
  const calls = Math.max(1, result.calls);
  const samples = Math.max(1, result.samples);
  const tokens = {
    promptTokens: Math.round(result.promptTokens / calls),
    completionTokens: Math.round(result.completionTokens / samples),
  };
  const flops = sequenceFlops(architecture, tokens);
  const time = machine === undefined ? undefined : idealizedSeconds(architecture, tokens, machine);
  return {
    flops: calls * flops.prefill + samples * flops.decode,
    idealized: time === undefined ? Number.NaN : calls * time.prefill + samples * time.decode,
  };
}

/** The roofline's rates and where they came from; none for a run over HTTP unless stated. */
function chooseRates(run: RunData, options: InferenceCostOptions, overHttp: boolean) {
  if (options.rates !== undefined) {
    return { measuredRates: [options.rates], origin: "stated" as const };
  }
  if (overHttp) return { measuredRates: [], origin: undefined };
  const recorded = [run.manifest.machine.performance, run.manifest.machine.engine].filter(
    (rates): rates is MachinePerformance => rates !== undefined,
  );
  if (recorded.length > 0) return { measuredRates: recorded, origin: "run" as const };
  return options.machine === undefined
    ? { measuredRates: [], origin: undefined }
    : { measuredRates: [options.machine], origin: "caller" as const };
}

/**
 * FLOPs, roofline idealized time, measured time and energy per problem for each strategy of a run, from
 * the model shape its backend described and the machine's peak rates: `options.rates` when the user states
 * them, else the highest FLOP/s and the highest bandwidth among those the manifest recorded (JavaScript's
 * and the backend engine's), else `options.machine`, so that the idealized time stays a lower bound.
 * A run over HTTP (its backend has a base URL) generated on a server whose rates and power the run did
 * not measure: it gets FLOPs and measured time, and an idealized time and energy only from `options.rates`
 * and `options.power`. `undefined` when the shape is unknown, or the rates of a run on this machine.
 *
 * @example
 * const cost = summarizeInferenceCost(loadRun("runs/lab"), { machine: machinePerformance() });
 * const served = summarizeInferenceCost(loadRun("runs/served"), {
 *   rates: { flopsPerSecond: 989e12, bytesPerSecond: 3.35e12, source: "H100 datasheet" },
 *   power: { watts: 700, basis: "H100 SXM TDP" },
 * });
 */
export function summarizeInferenceCost(
  run: RunData,
  options: InferenceCostOptions = {},
): InferenceCostSummary | undefined {
  const architecture = run.manifest.backend.architecture;
  const server = run.manifest.backend.baseUrl;
  const overHttp = server !== undefined;
  const { measuredRates, origin } = chooseRates(run, options, overHttp);
  const machine = highestRates(measuredRates);
  if (architecture === undefined || (machine === undefined && !overHttp)) return undefined;
  const power = options.power ?? (overHttp ? undefined : cpuPower());
  const totals = new Map<string, Totals>();
  const omitted = new Set<string>();
  for (const result of run.results) {
    // A routing strategy's problem may have used only another model than the run's; its shape is unknown.
    if (result.usageByModel !== undefined) {
      omitted.add(result.strategy);
      continue;
    }
    const cost = problemCost(architecture, machine, result);
    if (cost === undefined) continue;
    const total = totals.get(result.strategy) ?? { problems: 0, flops: 0, idealized: 0, measured: 0 };
    total.problems += 1;
    total.flops += cost.flops;
    total.idealized += cost.idealized;
    total.measured += result.latencyMilliseconds / 1000;
    totals.set(result.strategy, total);
  }
  const strategies = strategyOrder(run).flatMap((strategy): StrategyInferenceCost[] => {
    const total = totals.get(strategy);
    if (total === undefined || omitted.has(strategy)) return [];
    const idealized = machine === undefined ? undefined : total.idealized / total.problems;
    const measured = total.measured / total.problems;
    return [
      {
        strategy,
        problems: total.problems,
        flopsPerProblem: total.flops / total.problems,
        idealizedSecondsPerProblem: idealized,
        measuredSecondsPerProblem: measured,
        idealizedToMeasured:
          idealized === undefined ? undefined : measured > 0 ? idealized / measured : Number.NaN,
        energyJoulesPerProblem: power === undefined ? undefined : energyJoules(measured, power),
        idealizedEnergyJoulesPerProblem:
          power === undefined || idealized === undefined ? undefined : energyJoules(idealized, power),
      },
    ];
  });
  return {
    architecture,
    machine,
    measuredRates,
    ratesOrigin: machine === undefined ? undefined : origin,
    power,
    server,
    strategies,
    omitted: [...omitted],
  };
}
