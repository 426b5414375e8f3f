import { z } from "zod";
import { formatArchitecture, isArchitectureSpec, parseArchitecture } from "../../composition/index.ts";
import { ConfigError } from "../../errors/index.ts";
import { type AllocationSpec, isAllocationSpec, parseAllocationSpec } from "../../routing/index.ts";
import { numberSchema, parseOptions } from "../../runtime/index.ts";
import type {
  Backend,
  OutcomeScorer,
  ProcessRewardModel,
  SamplingSettings,
  Strategy,
} from "../../spec/index.ts";
import {
  findStrategyEntry,
  parseStrategySpec,
  type StrategyNeed,
  splitModelRoute,
} from "../../strategies/index.ts";
import { strategyIdentity } from "./strategy-identity.ts";

/** What every strategy of a bench run has, whether it solves one problem at a time or the batch. */
interface BenchStrategyFields {
  /** Name stored with results: the spec (`sc@8`), with `@t<temperature>` in a temperature sweep (`sc@8@t1.0`). */
  readonly name: string;
  /** The strategy spec it was parsed from. */
  readonly spec: string;
  /** What its catalog entry needs besides sampling: whether the run's scorer or PRM determines its results. */
  readonly needs: readonly StrategyNeed[];
  /** Sampling settings this entry overrides (the sweep's temperature). */
  readonly sampling: SamplingSettings;
  /**
   * For a routing strategy, the models it routes between, cheapest first: the spec's route
   * (`cascade@8:lab-small>lab-large`) or the default route; for an architecture, the models its layers
   * name (`gen@4(lab-small)+gen@4+vote`), when they name any; `undefined` for other strategies.
   */
  readonly route?: readonly string[] | undefined;
}

/**
 * One strategy of a bench run, at one point of a sweep: a `strategy` that solves each problem on its own
 * (a pair of the run), or an `allocation` that spends a total over the whole batch (`alloc@4`:
 * `allocateCompute`, one result per problem all the same).
 */
export type BenchStrategy = BenchStrategyFields &
  (
    | { readonly strategy: Strategy; readonly allocation?: undefined }
    | { readonly strategy?: undefined; readonly allocation: AllocationSpec }
  );

/** A bench strategy that solves each problem on its own: one (problem, strategy) pair at a time. */
export type PairStrategy = BenchStrategy & { readonly strategy: Strategy };

/** Whether a bench strategy solves each problem on its own (not an allocation over the batch). */
export function isPairStrategy(strategy: BenchStrategy): strategy is PairStrategy {
  return strategy.strategy !== undefined;
}

/** A bench strategy that allocates over the whole batch (`alloc@4`). */
export type AllocationStrategy = BenchStrategy & { readonly allocation: AllocationSpec };

/** An allocation's entry: what it needs (log-probabilities by mass, models with a route) and its route. */
function allocationEntry(raw: string): { spec: string; allocation: AllocationSpec; needs: StrategyNeed[] } {
  const allocation = parseAllocationSpec(raw);
  const needs: StrategyNeed[] = [
    ...(allocation.signal === "mass" ? (["logprobs"] as const) : []),
    ...(allocation.route === undefined ? [] : (["models"] as const)),
  ];
  return { spec: allocation.spec, allocation, needs };
}

const sweepOptions = z.object({
  /** Run every strategy at each of these temperatures. */
  temperatures: z
    .array(numberSchema({ minimum: 0, expected: "a number >= 0" }))
    .min(1, "expected at least one temperature")
    .readonly()
    .optional(),
  /** The outcome scorer for `bon@N` and `wv@N`. */
  scorer: z.custom<OutcomeScorer>().optional(),
  /** The process reward model for step-level searches. */
  prm: z.custom<ProcessRewardModel>().optional(),
  /** The backend of a model a routing strategy's route names. */
  resolveModel: z.custom<(name: string) => Backend>().optional(),
  /** The route of routing specs that name none, cheapest model first. */
  defaultRoute: z.array(z.string()).readonly().optional(),
});

const sweep = sweepOptions.extend({
  strategies: z.array(z.string()).min(1, "expected at least one strategy, e.g. greedy,sc@8"),
});

/** Options of `expandStrategySweep`. */
export type StrategySweepOptions = z.input<typeof sweepOptions>;

/** `1` → `1.0`, `0.5` → `0.5`: temperatures in names always show a decimal point. */
export function formatTemperature(temperature: number): string {
  return Number.isInteger(temperature) ? temperature.toFixed(1) : String(temperature);
}

/**
 * Parses strategy specs and crosses them with a temperature sweep: each strategy at each temperature,
 * named `<spec>@t<temperature>`. Strategies that fix their own temperature (`greedy`) do not depend on
 * the sweep and run once, under their plain name. A compute-optimal allocation (`alloc@4`, `alloc-mass@4g`,
 * `parseAllocationSpec`) is an entry with an `allocation` instead of a strategy.
 *
 * @throws ConfigError for an unknown or malformed spec, a spec given twice or two specs of one strategy
 * (`sc@8,maj@8`, `gen@8,gen@8+vote`: `strategyIdentity`), or a bad temperature or one given twice (`1,1.0`,
 * field `temperatures`).
 * @example
 * expandStrategySweep(["greedy", "sc@8"], { temperatures: [0.5, 1] }).map((entry) => entry.name);
 * // ["greedy", "sc@8@t0.5", "sc@8@t1.0"]
 */
export function expandStrategySweep(
  specs: readonly string[],
  options: StrategySweepOptions = {},
): BenchStrategy[] {
  const { temperatures, scorer, prm, resolveModel, defaultRoute } = parseOptions(
    sweep,
    { ...options, strategies: specs },
    "bench",
  );
  // A temperature written twice (`1,1.0`) would name each strategy twice: said of the sweep, not the specs.
  const swept = (temperatures ?? []).map(formatTemperature);
  const repeated = swept.find((name, index) => swept.indexOf(name) !== index);
  if (repeated !== undefined) {
    throw new ConfigError(`--temperatures: ${repeated} is given twice`, { field: "temperatures" });
  }
  const entries: BenchStrategy[] = [];
  // Each entry's name by its identity: what it runs, however the spec was written.
  const seen = new Map<string, string>();
  const add = (entry: BenchStrategy, identity: string): void => {
    const earlier = seen.get(identity);
    if (earlier === entry.name) {
      throw new ConfigError(`--strategies: ${entry.name} is given twice`, { field: "strategies" });
    }
    if (earlier !== undefined) {
      throw new ConfigError(
        `--strategies: ${earlier} and ${entry.name} are the same strategy (canonical ${identity}); give one of them`,
        { field: "strategies" },
      );
    }
    seen.set(identity, entry.name);
    entries.push(entry);
  };
  for (const raw of specs) {
    if (isAllocationSpec(raw)) {
      const { spec, allocation, needs } = allocationEntry(raw);
      const route = allocation.route;
      if (temperatures === undefined) add({ name: spec, spec, allocation, needs, sampling: {}, route }, spec);
      for (const temperature of temperatures ?? []) {
        const name = `${spec}@t${formatTemperature(temperature)}`;
        add({ name, spec, allocation, needs, sampling: { temperature }, route }, name);
      }
      continue;
    }
    // Specs are read case-insensitively; the model names of a route keep their case.
    const routed = splitModelRoute(raw);
    // An architecture is named by its canonical layers, whose model names keep their case.
    const spec = isArchitectureSpec(raw)
      ? formatArchitecture(parseArchitecture(raw))
      : routed.route === undefined
        ? routed.spec.toLowerCase()
        : `${routed.spec.toLowerCase()}:${routed.route.join(">")}`;
    const parse = () => parseStrategySpec(spec, { scorer, prm, resolveModel, defaultRoute });
    const strategy = parse();
    // The spec parsed, so the catalog holds its entry.
    const { needs, namedModels } = findStrategyEntry(spec)!.entry;
    const route = needs.includes("models")
      ? (routed.route ?? defaultRoute)
      : namedModels !== undefined && namedModels.length > 0
        ? namedModels
        : undefined;
    const identity = strategyIdentity(spec, strategy, route);
    const fixedTemperature = strategy.parameters.temperature !== undefined;
    if (temperatures === undefined || fixedTemperature) {
      add({ name: spec, spec, strategy, needs, sampling: {}, route }, identity);
      continue;
    }
    for (const temperature of temperatures) {
      const at = `@t${formatTemperature(temperature)}`;
      add(
        { name: `${spec}${at}`, spec, strategy: parse(), needs, sampling: { temperature }, route },
        `${identity}${at}`,
      );
    }
  }
  return entries;
}
