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

/**
 * `alloc@S[pP][cC][:PROBE>MODEL]` and `alloc-mass@S[pP][cC][g]`, read by `parseAllocationSpec` as the live
 * bench reads them; `undefined` for a spec of another family. With a route, the probes are the samples
 * replayed and the extra samples the larger model's (`EvaluateReplayOptions.escalation`).
 *
 * @throws ConfigError naming the flag and `parseAllocationSpec`'s reason for a malformed spec.
 * @example
 * parseReplayAllocation("alloc-mass@4g", "--strategies"); // { name: "alloc-mass@4g", kind: "alloc-mass", k: 4, greedyFirst: true, … }
 */
export function parseReplayAllocation(trimmed: string, flag: string): ReplayAllocation | undefined {
  if (!isAllocationSpec(trimmed)) return undefined;
  let allocation: AllocationSpec;
  try {
    allocation = parseAllocationSpec(trimmed);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    throw new ConfigError(`${flag}: ${error.message}`, { field: flag, cause: error });
  }
  return {
    name: trimmed,
    kind: allocation.signal === "mass" ? "alloc-mass" : "alloc",
    k: allocation.samplesPerProblem,
    allocation,
    ...(allocation.greedyProbe ? { greedyFirst: true } : {}),
  };
}
