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

/** A strategy's compute, idealized time and energy, as means per problem. */
export interface StrategyInferenceCost {
  readonly strategy: string;
  /** Problems whose prompt and completion tokens are known (the others are left out of the means). */
  readonly problems: number;
  readonly flopsPerProblem: number;
  /** Roofline time on the machine, per problem. */
  readonly idealizedSecondsPerProblem: number;
  /** Measured wall time (the results' latencies), per problem. */
  readonly measuredSecondsPerProblem: number;
  /** Idealized time over measured time; how close the engine came to the machine's peak. */
  readonly idealizedToMeasured: number;
  /** Measured time × the assumed power, per problem. */
  readonly energyJoulesPerProblem: number;
  /** Idealized time × the assumed power, per problem. */
  readonly idealizedEnergyJoulesPerProblem: number;
}

/** The inference cost of a run's strategies and what it was computed from. */
export interface InferenceCostSummary {
  readonly architecture: ModelArchitecture;
  /** The rates the roofline used: the highest FLOP/s and the highest bandwidth of `measuredRates`. */
  readonly machine: MachinePerformance;
  /** Every measurement of the peak rates considered (JavaScript's, and the backend engine's when recorded). */
  readonly measuredRates: readonly MachinePerformance[];
  /** Whether the rates come from the run's manifest (else from the caller, measured elsewhere). */
  readonly machineFromRun: boolean;
  readonly power: PowerAssumption;
  readonly strategies: readonly StrategyInferenceCost[];
  /**
   * Strategies left out: routing strategies (their results record tokens by model), whose other models'
   * shapes the run lacks.
   */
  readonly omitted: readonly string[];
}

/** Settings of {@link summarizeInferenceCost}. */
export interface InferenceCostOptions {
  /** Peak rates to use when the run's manifest has none (runs from before they were recorded). */
  readonly machine?: MachinePerformance | undefined;
  /** Power for the energy figures; default `cpuPower()` (10 W for one core). */
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
function problemCost(architecture: ModelArchitecture, machine: MachinePerformance, result: ProblemResult) {
  if (result.promptTokens === undefined || result.completionTokens === undefined) return undefined;
  const calls = Math.max(1, result.calls);
  const samples = Math.max(1, result.samples);
  const tokens = {
    promptTokens: Math.round(result.promptTokens / calls),
    completionTokens: Math.round(result.completionTokens / samples),
  };
  const flops = sequenceFlops(architecture, tokens);
  const time = idealizedSeconds(architecture, tokens, machine);
  return {
    flops: calls * flops.prefill + samples * flops.decode,
    idealized: calls * time.prefill + samples * time.decode,
  };
}

/**
 * FLOPs, roofline idealized time, measured time and energy per problem for each strategy of a run, from
 * the model shape its backend described and the machine's peak rates: the highest FLOP/s and the highest
 * bandwidth among those the manifest recorded (JavaScript's and the backend engine's), else
 * `options.machine`, so that the idealized time stays a lower bound. `undefined` when the shape or the rates
 * are unknown.
 *
 * @example
 * const cost = summarizeInferenceCost(loadRun("runs/lab"), { machine: machinePerformance() });
 */
export function summarizeInferenceCost(
  run: RunData,
  options: InferenceCostOptions = {},
): InferenceCostSummary | undefined {
  const architecture = run.manifest.backend.architecture;
  const recorded = [run.manifest.machine.performance, run.manifest.machine.engine].filter(
    (rates): rates is MachinePerformance => rates !== undefined,
  );
  const measuredRates = recorded.length > 0 || options.machine === undefined ? recorded : [options.machine];
  const machine = highestRates(measuredRates);
  if (architecture === undefined || machine === undefined) return undefined;
  const power = options.power ?? cpuPower();
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
    const idealized = total.idealized / total.problems;
    const measured = total.measured / total.problems;
    return [
      {
        strategy,
        problems: total.problems,
        flopsPerProblem: total.flops / total.problems,
        idealizedSecondsPerProblem: idealized,
        measuredSecondsPerProblem: measured,
        idealizedToMeasured: measured > 0 ? idealized / measured : Number.NaN,
        energyJoulesPerProblem: energyJoules(measured, power),
        idealizedEnergyJoulesPerProblem: energyJoules(idealized, power),
      },
    ];
  });
  return {
    architecture,
    machine,
    measuredRates,
    machineFromRun: recorded.length > 0,
    power,
    strategies,
    omitted: [...omitted],
  };
}
