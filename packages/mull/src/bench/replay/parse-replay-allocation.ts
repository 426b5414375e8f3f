import { ConfigError } from "../../errors/index.ts";
import { type AllocationSpec, isAllocationSpec, parseAllocationSpec } from "../../routing/index.ts";

/** Compute-optimal allocation over the replayed batch, as a replay spec names it. */
export interface ReplayAllocation {
  /** The spec as written, less surrounding spaces. */
  readonly name: string;
  /** `alloc` (by agreement, majority votes) or `alloc-mass` (by probability mass, votes by mass). */
  readonly kind: "alloc" | "alloc-mass";
  /** Samples per problem on average (S): the batch's total is S times its problems. */
  readonly k: number;
  /** The spec as `parseAllocationSpec` reads it, as a live bench run does. */
  readonly allocation: AllocationSpec;
  /** `alloc-mass@…g`: each probe opens with the problem's recorded greedy trace. */
  readonly greedyFirst?: boolean | undefined;
}

/** The models whose samples are replayed, as their bench runs' manifests record them. */
export interface RunModels {
  /** `--run`'s model: the probes' samples. */
  readonly run: string;
  /** `--escalate-run`'s model: the extra samples of a routed `alloc`. */
  readonly escalation: string;
}

/**
 * `alloc@S[pP][cC][:PROBE>MODEL]` and `alloc-mass@S[pP][cC][g]`, read by `parseAllocationSpec` as the live
 * bench reads them; `undefined` for a spec of another family. With a route, the probes are the samples
 * replayed and the extra samples the larger model's (`EvaluateReplayOptions.escalation`); given the runs'
 * `models`, the route must name `--run`'s model, then `--escalate-run`'s.
 *
 * @throws ConfigError naming the flag and `parseAllocationSpec`'s reason for a malformed spec, or naming the
 *   flag, the spec and the runs' models for a route that names other models.
 * @example
 * parseReplayAllocation("alloc-mass@4g", "--strategies"); // { name: "alloc-mass@4g", kind: "alloc-mass", k: 4, greedyFirst: true, … }
 */
export function parseReplayAllocation(
  trimmed: string,
  flag: string,
  models?: RunModels,
): ReplayAllocation | undefined {
  if (!isAllocationSpec(trimmed)) return undefined;
  let allocation: AllocationSpec;
  try {
    allocation = parseAllocationSpec(trimmed);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    throw new ConfigError(`${flag}: ${error.message}`, { field: flag, cause: error });
  }
  const route = allocation.route;
  if (
    models !== undefined &&
    route !== undefined &&
    (route[0] !== models.run || route[1] !== models.escalation)
  ) {
    const expected = `${models.run}>${models.escalation}`;
    throw new ConfigError(
      `${flag}: ${JSON.stringify(trimmed)} routes ${route.join(">")}, but --run recorded ${models.run} and ` +
        `--escalate-run ${models.escalation}; expected the route ${expected} (or no route: ` +
        `${trimmed.slice(0, trimmed.indexOf(":")).trimEnd()})`,
      { field: flag },
    );
  }
  return {
    name: trimmed,
    kind: allocation.signal === "mass" ? "alloc-mass" : "alloc",
    k: allocation.samplesPerProblem,
    allocation,
    ...(allocation.greedyProbe ? { greedyFirst: true } : {}),
  };
}
