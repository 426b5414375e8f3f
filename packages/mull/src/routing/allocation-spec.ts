import { ConfigError } from "../errors/index.ts";
import { optionError } from "../runtime/index.ts";
import { splitModelRoute } from "../strategies/find-strategy-entry.ts";
import type { DifficultySignal } from "./allocate-compute.ts";
import { refuseRepeatedRouteModel } from "./refuse-repeated-models.ts";

/** Compute-optimal allocation over a batch, as a spec names it (`alloc@4`, `alloc-mass@4g`). */
export interface AllocationSpec {
  /** The canonical spec: family, numbers in the order `p`, `c`, `g`, and the route as written. */
  readonly spec: string;
  /** Samples per problem on average: the batch's total is this times its problems. */
  readonly samplesPerProblem: number;
  /** `agreement` (`alloc@…`) or `mass` (`alloc-mass@…`). */
  readonly signal: DifficultySignal;
  /** Samples of each problem's probe: `pP`, by default half the average (rounded up) by agreement, 1 by mass. */
  readonly probe: number;
  /** Most samples one problem may get (`cC`); `undefined` for `allocateCompute`'s default. */
  readonly maxSamples: number | undefined;
  /** `g` (mass only): each probe opens with the greedy trace. */
  readonly greedyProbe: boolean;
  /**
   * The route after the colon, `probe model>model` (agreement only): the probes come from the first model,
   * the extra samples from the second; `undefined` when both come from the run's model.
   */
  readonly route: readonly string[] | undefined;
}

/** Spec forms of compute-optimal allocation, for help and errors. */
export const allocationSpecForms: readonly string[] = [
  "alloc@S",
  "alloc@SpP",
  "alloc@SpPcC",
  "alloc@SpP:PROBE>MODEL",
  "alloc-mass@S",
  "alloc-mass@Sg",
  "alloc-mass@SpPcCg",
];

const family = /^\s*alloc(?:-mass)?@/i;
const grammar = /^(alloc|alloc-mass)@(\d+)(?:p(\d+))?(?:c(\d+))?(g?)$/;
const largest = 100_000;

/**
 * Whether a spec names compute-optimal allocation (`alloc@…`, `alloc-mass@…`), a method over a whole batch
 * of problems rather than a strategy for one.
 */
export function isAllocationSpec(spec: string): boolean {
  return family.test(spec);
}

function malformed(spec: string, reason: string): ConfigError {
  return new ConfigError(
    `malformed allocation spec ${JSON.stringify(spec)}: ${reason}; expected one of ${allocationSpecForms.join(", ")} (S samples per problem on average, P per probe, at most C per problem, g: greedy probe)`,
    { field: "strategy" },
  );
}

function whole(spec: string, letter: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (value < 1 || value > largest) throw malformed(spec, `${letter} ${text} is not from 1 to ${largest}`);
  return value;
}

/**
 * Reads a compute-optimal allocation spec (`allocateCompute` over a batch, after Snell et al. 2024):
 * - `alloc@S`: S samples per problem on average; each problem first gets a probe of ⌈S/2⌉ samples, the
 *   rest goes where the probes disagree, and answers are majority votes; `pP` sets the probe, `cC` the
 *   most samples one problem may get; a route `:PROBE>MODEL` draws the probes from a cheaper model;
 * - `alloc-mass@S`: the same by probability mass (probe of 1 by default; extra samples by how far each
 *   problem's leader is from a certified lead, votes by mass; needs log-probabilities); `g` opens each
 *   probe with the greedy trace.
 * Case and spaces around the spec are ignored; model names keep their case.
 *
 * @throws ConfigError naming the spec and the forms expected, for a malformed spec, a probe larger than
 * S, a probe of one sample by agreement (it cannot disagree), a cap below the probe or equal to it (nothing
 * left to allocate) or below S (budget that no problem may take), `g` without `-mass`, or a route that is
 * not two models or is given to `alloc-mass` (probability mass cannot be added across two models), or a
 * `spec` that is not a string; ConfigError (field `strategy`, `refuseRepeatedRouteModel`) naming the route
 * and the model, for a route that names one model twice.
 * @example
 * parseAllocationSpec("alloc@4"); // { spec: "alloc@4", samplesPerProblem: 4, signal: "agreement", probe: 2, … }
 * parseAllocationSpec("alloc@4p2:lab-v2-small>lab-v2-large").route; // ["lab-v2-small", "lab-v2-large"]
 */
export function parseAllocationSpec(spec: string): AllocationSpec {
  if (typeof spec !== "string") {
    throw optionError("parseAllocationSpec", "spec", spec, 'an allocation spec (a string such as "alloc@4")');
  }
  const { spec: head, route } = splitModelRoute(spec);
  const match = grammar.exec(head.toLowerCase());
  if (match === null) throw malformed(spec, "unknown form");
  const [, name, samplesText, probeText, capText, greedy] = match;
  const signal: DifficultySignal = name === "alloc-mass" ? "mass" : "agreement";
  const samplesPerProblem = whole(spec, "S", samplesText)!;
  const probe = whole(spec, "P", probeText) ?? (signal === "mass" ? 1 : Math.ceil(samplesPerProblem / 2));
  const maxSamples = whole(spec, "C", capText);
  if (probe > samplesPerProblem) {
    throw malformed(spec, `a probe of ${probe} exceeds the ${samplesPerProblem} samples per problem`);
  }
  if (signal === "agreement" && probe === 1 && samplesPerProblem > 1) {
    throw malformed(
      spec,
      "a probe of 1 sample cannot disagree, so agreement would spend nothing beyond it; probe 2 or more, or use alloc-mass",
    );
  }
  if (maxSamples !== undefined && maxSamples < probe) {
    throw malformed(spec, `at most ${maxSamples} per problem is fewer than the probe's ${probe}`);
  }
  if (maxSamples !== undefined && maxSamples === probe) {
    throw malformed(
      spec,
      `at most ${maxSamples} per problem is the probe's ${probe}, which leaves nothing to allocate beyond it`,
    );
  }
  if (maxSamples !== undefined && maxSamples > probe && maxSamples < samplesPerProblem) {
    throw malformed(
      spec,
      `at most ${maxSamples} per problem is below the ${samplesPerProblem} per problem on average, so part of the budget could never be spent; cap at ${samplesPerProblem} or more`,
    );
  }
  if (greedy === "g" && signal !== "mass") throw malformed(spec, "a greedy probe (g) needs alloc-mass");
  if (route !== undefined) {
    if (signal === "mass") {
      throw malformed(spec, "alloc-mass takes no route: probability mass cannot be added across two models");
    }
    if (route.length !== 2 || route.some((model) => model === "")) {
      throw malformed(spec, `the route ${JSON.stringify(route.join(">"))} is not two models, PROBE>MODEL`);
    }
    refuseRepeatedRouteModel(route, { field: "strategy", owner: `of ${JSON.stringify(head)}` });
  }
  const numbers = `${samplesPerProblem}${probeText === undefined ? "" : `p${probe}`}${maxSamples === undefined ? "" : `c${maxSamples}`}${greedy}`;
  return {
    spec: `${name}@${numbers}${route === undefined ? "" : `:${route.join(">")}`}`,
    samplesPerProblem,
    signal,
    probe,
    maxSamples,
    greedyProbe: greedy === "g",
    route,
  };
}
