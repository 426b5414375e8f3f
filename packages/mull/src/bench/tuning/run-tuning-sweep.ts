import { ConfigError } from "../../errors/index.ts";
import { checkInteger, checkNumber } from "../../runtime/index.ts";
import type { Backend, Clock, Prompt } from "../../spec/index.ts";
import { findKnees, type TuningKnee } from "./find-knee.ts";
import { runLoadLevel } from "./run-load-level.ts";
import { type LoadLevelSummary, summarizeLoadLevel } from "./summarize-load-level.ts";

/** The default concurrencies swept: 1, 2, 4, 8, 16, 32. */
export const defaultTuningConcurrencies: readonly number[] = [1, 2, 4, 8, 16, 32];

/** What `runTuningSweep` measures. */
export interface TuningSweepOptions {
  /** Prompts sent in turn at every level (the same ones at every level, so levels compare). */
  readonly prompts: readonly Prompt[];
  /** Requests in flight at once, one level each; default `defaultTuningConcurrencies`. */
  readonly concurrencies?: readonly number[] | undefined;
  /** Completions per request (`n`), one curve each; default `[1]`. */
  readonly ns?: readonly number[] | undefined;
  /** Requests per level; default 32. */
  readonly requests?: number | undefined;
  /** Token limit per completion; default 64. */
  readonly maxTokens?: number | undefined;
  /** Sampling temperature; default 1. */
  readonly temperature?: number | undefined;
  /** Requests sent one at a time before the sweep and left out of it (connections, caches); default 1. */
  readonly warmup?: number | undefined;
  /** Share of the best throughput that counts as saturated (see `findKnees`); default 0.9. */
  readonly fraction?: number | undefined;
  readonly clock?: Clock | undefined;
  /**
   * Stops the sweep: the requests in flight are aborted, no more are sent, and the report holds the levels
   * finished before it (`interrupted`); the level it cut short is left out, its figures no measurement.
   */
  readonly signal?: AbortSignal | undefined;
  /** Called after each finished level with its summary. */
  readonly onLevel?: ((summary: LoadLevelSummary) => void) | undefined;
}

/**
 * Every finished level's figures and each `n`'s knee. `mull tune --json` prints it as it is (with the
 * server, model and dataset), a knee's missing figures as `null`.
 */
export interface TuningReport {
  /** One per finished (n, concurrency), by increasing `n`, then concurrency. */
  readonly levels: readonly LoadLevelSummary[];
  /** One per `n` with a finished level, by increasing `n`, from the finished levels. */
  readonly knees: readonly TuningKnee[];
  /** The share of the best throughput the knees were found at. */
  readonly fraction: number;
  /** The levels the sweep was to run: one per (n, concurrency) asked for. */
  readonly plannedLevels: number;
  /** Whether the signal stopped the sweep before every planned level finished (`levels` has fewer). */
  readonly interrupted: boolean;
}

function checkList(field: string, values: readonly number[]): number[] {
  if (values.length === 0) {
    throw new ConfigError(`runTuningSweep: ${field} must be a non-empty list of integers ≥ 1, got []`, {
      field,
    });
  }
  const checked = values.map((value) => checkInteger("runTuningSweep", field, value, { minimum: 1 }));
  return [...new Set(checked)].sort((a, b) => a - b);
}

/**
 * Sweeps client concurrency (and `n`) against a backend, usually an OpenAI-compatible server: at each level
 * it sends the same `requests` prompts with `concurrency` in flight, measures throughput and latency
 * percentiles, and finds each `n`'s knee, where throughput saturates while latency keeps growing.
 * Levels run one after another, by increasing `n` and concurrency, after a warm-up. An aborted `signal`
 * ends the sweep early with the levels finished so far, `interrupted` set; it does not throw.
 *
 * @throws ConfigError for an empty or non-positive list, or a bad count.
 * @example
 * const report = await runTuningSweep(backend, { prompts, concurrencies: [1, 2, 4, 8], requests: 32 });
 * report.knees[0]?.concurrency; // e.g. 4
 */
export async function runTuningSweep(backend: Backend, options: TuningSweepOptions): Promise<TuningReport> {
  const concurrencies = checkList("concurrencies", options.concurrencies ?? defaultTuningConcurrencies);
  const ns = checkList("ns", options.ns ?? [1]);
  const requests = checkInteger("runTuningSweep", "requests", options.requests ?? 32, { minimum: 1 });
  const maxTokens = checkInteger("runTuningSweep", "maxTokens", options.maxTokens ?? 64, { minimum: 1 });
  const warmup = checkInteger("runTuningSweep", "warmup", options.warmup ?? 1, { minimum: 0 });
  const fraction = checkNumber("runTuningSweep", "fraction", options.fraction ?? 0.9, {
    exclusiveMinimum: 0,
    maximum: 1,
  });
  const shared = {
    prompts: options.prompts,
    maxTokens,
    temperature: options.temperature,
    clock: options.clock,
    signal: options.signal,
  };
  const stopped = () => options.signal?.aborted === true;
  const plannedLevels = ns.length * concurrencies.length;
  const levels: LoadLevelSummary[] = [];
  const report = () => ({
    levels,
    knees: findKnees(levels, { fraction }),
    fraction,
    plannedLevels,
    interrupted: levels.length < plannedLevels,
  });
  if (warmup > 0) await runLoadLevel(backend, { ...shared, requests: warmup, concurrency: 1, n: 1 });
  for (const n of ns) {
    for (const concurrency of concurrencies) {
      if (stopped()) return report();
      const run = await runLoadLevel(backend, { ...shared, requests, concurrency, n });
      // A level the signal cut short measured its aborted requests as failures: it is left out.
      if (stopped()) return report();
      const summary = summarizeLoadLevel(run.measurements, run.wallMilliseconds, { concurrency, n });
      levels.push(summary);
      options.onLevel?.(summary);
    }
  }
  return report();
}
