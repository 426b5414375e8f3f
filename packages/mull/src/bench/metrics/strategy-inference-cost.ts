import {
  cpuPower,
  energyJoules,
  highestRates,
  idealizedSeconds,
  type MachinePerformance,
  type PowerAssumption,
  type SequenceTokens,
  sequenceFlops,
} from "../../metrics/index.ts";
import type { ModelArchitecture } from "../../spec/index.ts";
import type { ProblemResult, RunData } from "../run-data.ts";
import { strategyOrder } from "./strategy-order.ts";

/**
 * A strategy's compute, idealized time, latency, engine time and energy, as means per problem. A figure is
 * `undefined` where the rates or the power it needs are unknown: for a run over HTTP, unless the user
 * stated the server's.
 */
export interface StrategyInferenceCost {
  readonly strategy: string;
  /** Problems whose prompt and completion tokens are known (the others are left out of the means). */
  readonly problems: number;
  /**
   * FLOPs of the work no engine can skip, per problem: the prompt tokens evaluated (those the backend
   * served from its cache left out; one prompt per problem where it did not say) and every completion token.
   */
  readonly flopsPerProblem: number;
  /**
   * Roofline time of that work on one engine at `InferenceCostSummary.machine`'s rates, per problem: no
   * more than any of its pairs' latency.
   */
  readonly idealizedSecondsPerProblem: number | undefined;
  /** Measured latency per problem: each pair's wall time from its start to its answer. */
  readonly latencySecondsPerProblem: number;
  /**
   * Engine time per problem: each pair's latency times its share of the engines (`RunExecution.share`),
   * and never less than its idealized time.
   */
  readonly engineSecondsPerProblem: number;
  /** Idealized time over engine time: how close the engine came to the roofline (at most 1). */
  readonly idealizedToEngine: number | undefined;
  /** Engine time × the assumed power, per problem. */
  readonly energyJoulesPerProblem: number | undefined;
  /** Idealized time × the assumed power, per problem: the least energy the work takes at that power. */
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

/**
 * How the run's pairs shared the engines that generated, from its manifest. Pairs in flight beyond the
 * engines wait for one or share its batches, so their latencies overlap: they add up to more than the
 * engines' time.
 */
export interface RunExecution {
  /** Pairs in flight at once; `undefined` where the run did not record it (older runs). */
  readonly concurrency: number | undefined;
  /**
   * Engines that decoded side by side: the embedded backend's contexts, one server for a run over HTTP;
   * `undefined` where the run did not record them (older runs).
   */
  readonly engines: number | undefined;
  /** Threads of each engine, where recorded (the embedded backend). */
  readonly threads: number | undefined;
  /**
   * Each pair's share of an engine while it ran: engines in use over pairs in flight,
   * min(engines, concurrency) / concurrency; 1 where either is unknown (then each latency counts whole).
   */
  readonly share: number;
}

/** The pair that finished soonest against its idealized time at the measured rates. */
export interface FastestPair {
  readonly problemId: string;
  readonly strategy: string;
  readonly latencySeconds: number;
  /** Its idealized time at the measured (or stated) rates, before they were raised. */
  readonly idealizedSeconds: number;
}

/** The inference cost of a run's strategies and what it was computed from. */
export interface InferenceCostSummary {
  readonly architecture: ModelArchitecture;
  /**
   * The rates the roofline used: the highest FLOP/s and the highest bandwidth of `measuredRates`, both
   * raised `rateScale` times; `undefined` for a run over HTTP without stated rates (its strategies then
   * have no idealized time).
   */
  readonly machine: MachinePerformance | undefined;
  /** Every measurement of the peak rates considered (JavaScript's, and the backend engine's when recorded). */
  readonly measuredRates: readonly MachinePerformance[];
  /** Where `measuredRates` came from; `undefined` without them. */
  readonly ratesOrigin: RatesOrigin | undefined;
  /**
   * How many times the highest measured rates were raised (1 when they were not): a pair that finished
   * sooner than its idealized time at those rates shows that the machine is at least this much faster than
   * measured (rates measured on a busy machine, or below what batched decoding reaches), so the roofline
   * uses that; it then bounds every pair's latency from below.
   */
  readonly rateScale: number;
  /** The pair that set `rateScale`, where it is above 1. */
  readonly fastestPair: FastestPair | undefined;
  /** Pairs in flight, engines and each pair's share of them. */
  readonly execution: RunExecution;
  /** Counted results whose backend reported the prompt tokens it served from its cache. */
  readonly cachedCountsReported: number;
  /** Counted results, of all strategies. */
  readonly resultsCounted: number;
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
   * Power of one engine for the energy figures; default `cpuPower()` with the engine's threads as its
   * cores (10 W per core), except for a run over HTTP, which gets energy figures only with a power given
   * here.
   */
  readonly power?: PowerAssumption | undefined;
}

/**
 * The work of one problem no engine can skip: the prompt tokens evaluated in one step, then its
 * completions decoded side by side, each after the prompt. Completions are the calls or the samples,
 * whichever are more; the evaluated prompt tokens are those the backend did not serve from its cache, or,
 * where it did not say, one completion's prompt (an engine that shares prefixes evaluates no more).
 */
function problemWork(result: ProblemResult) {
  if (result.promptTokens === undefined || result.completionTokens === undefined) return undefined;
  const completions = Math.max(1, result.calls, result.samples);
  const prompt = result.promptTokens / completions;
  const evaluated =
    result.cachedPromptTokens === undefined
      ? prompt
      : Math.max(0, result.promptTokens - result.cachedPromptTokens);
  const prefill: SequenceTokens = { promptTokens: evaluated, completionTokens: 0 };
  const decode: SequenceTokens = {
    promptTokens: prompt,
    completionTokens: result.completionTokens / completions,
    sequences: completions,
  };
  return { prefill, decode };
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

/** Pairs in flight and engines from the manifest, and each pair's share of the engines. */
function runExecution(run: RunData, overHttp: boolean): RunExecution {
  const concurrency = run.manifest.concurrency;
  const engines = overHttp ? 1 : run.manifest.backend.contexts;
  const threads = overHttp ? undefined : run.manifest.backend.threads;
  const share =
    concurrency === undefined || engines === undefined
      ? 1
      : Math.min(engines, concurrency) / Math.max(1, concurrency);
  return { concurrency, engines, threads, share };
}

function scaled(rates: MachinePerformance, factor: number): MachinePerformance {
  if (factor === 1) return rates;
  return {
    flopsPerSecond: rates.flopsPerSecond * factor,
    bytesPerSecond: rates.bytesPerSecond * factor,
    ...(rates.source === undefined ? {} : { source: rates.source }),
  };
}

interface PairCost {
  readonly result: ProblemResult;
  readonly flops: number;
  /** At the highest measured rates, before any raise; NaN without rates. */
  readonly idealized: number;
  readonly latency: number;
}

/**
 * FLOPs, roofline idealized time, latency, engine time and energy per problem for each strategy of a run,
 * from the model shape its backend described and the machine's peak rates: `options.rates` when the user
 * states them, else the highest FLOP/s and the highest bandwidth among those the manifest recorded
 * (JavaScript's and the backend engine's), else `options.machine`. Both rates are raised by the factor
 * the run's fastest pair shows they were exceeded, so that the idealized time is a lower bound of every
 * pair's latency. Engine time charges each pair its share of the engines (`RunExecution`), so that the
 * pairs of a run with several in flight are not charged the same engine time twice.
 * A run over HTTP (its backend has a base URL) generated on a server whose rates and power the run did
 * not measure: it gets FLOPs, latency and engine time, and an idealized time and energy only from
 * `options.rates` and `options.power`. `undefined` when the shape is unknown, or the rates of a run on
 * this machine.
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
  const measured = highestRates(measuredRates);
  if (architecture === undefined || (measured === undefined && !overHttp)) return undefined;
  const execution = runExecution(run, overHttp);
  const power = options.power ?? (overHttp ? undefined : cpuPower({ cores: execution.threads ?? 1 }));
  const pairs: PairCost[] = [];
  const omitted = new Set<string>();
  for (const result of run.results) {
    // A routing strategy's problem may have used only another model than the run's; its shape is unknown.
    if (result.usageByModel !== undefined) {
      omitted.add(result.strategy);
      continue;
    }
    const work = problemWork(result);
    if (work === undefined) continue;
    const at = (machine: MachinePerformance) =>
      idealizedSeconds(architecture, work.prefill, machine).prefill +
      idealizedSeconds(architecture, work.decode, machine).decode;
    pairs.push({
      result,
      flops:
        sequenceFlops(architecture, work.prefill).prefill + sequenceFlops(architecture, work.decode).decode,
      idealized: measured === undefined ? Number.NaN : at(measured),
      latency: result.latencyMilliseconds / 1000,
    });
  }
  let fastest: PairCost | undefined;
  for (const pair of pairs) {
    if (!(pair.latency > 0 && pair.idealized > pair.latency)) continue;
    if (fastest === undefined || pair.idealized / pair.latency > fastest.idealized / fastest.latency) {
      fastest = pair;
    }
  }
  const rateScale = fastest === undefined ? 1 : fastest.idealized / fastest.latency;
  const strategies = strategyOrder(run).flatMap((strategy): StrategyInferenceCost[] => {
    const own = pairs.filter((pair) => pair.result.strategy === strategy);
    if (own.length === 0 || omitted.has(strategy)) return [];
    const mean = (value: (pair: PairCost) => number) =>
      own.reduce((sum, pair) => sum + value(pair), 0) / own.length;
    // The idealized time scales as 1 / rateScale: every step's FLOPs and bytes at rates rateScale times higher.
    const idealizedOf = (pair: PairCost) => pair.idealized / rateScale;
    const engineOf = (pair: PairCost) =>
      measured === undefined
        ? pair.latency * execution.share
        : Math.max(pair.latency * execution.share, idealizedOf(pair));
    const idealized = measured === undefined ? undefined : mean(idealizedOf);
    const engine = mean(engineOf);
    return [
      {
        strategy,
        problems: own.length,
        flopsPerProblem: mean((pair) => pair.flops),
        idealizedSecondsPerProblem: idealized,
        latencySecondsPerProblem: mean((pair) => pair.latency),
        engineSecondsPerProblem: engine,
        idealizedToEngine: idealized === undefined ? undefined : engine > 0 ? idealized / engine : Number.NaN,
        energyJoulesPerProblem: power === undefined ? undefined : energyJoules(engine, power),
        idealizedEnergyJoulesPerProblem:
          power === undefined || idealized === undefined ? undefined : energyJoules(idealized, power),
      },
    ];
  });
  const counted = pairs.filter((pair) => !omitted.has(pair.result.strategy));
  return {
    architecture,
    machine: measured === undefined ? undefined : scaled(measured, rateScale),
    measuredRates,
    ratesOrigin: measured === undefined ? undefined : origin,
    rateScale,
    fastestPair:
      fastest === undefined
        ? undefined
        : {
            problemId: fastest.result.problemId,
            strategy: fastest.result.strategy,
            latencySeconds: fastest.latency,
            idealizedSeconds: fastest.idealized,
          },
    execution,
    cachedCountsReported: counted.filter((pair) => pair.result.cachedPromptTokens !== undefined).length,
    resultsCounted: counted.length,
    power,
    server,
    strategies,
    omitted: [...omitted],
  };
}
