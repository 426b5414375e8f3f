import { ConfigError } from "../../errors/index.ts";
import { defaultCascadeThreshold } from "../../routing/index.ts";
import { checkInteger, checkNumber } from "../../runtime/index.ts";

/** A cascade between two models' recorded samples, as a replay spec names it. */
export interface ReplayCascade {
  /** The spec as written, less surrounding spaces. */
  readonly name: string;
  readonly kind: "cascade" | "cascade-mass";
  /** Samples of the first (smaller) model. */
  readonly k: number;
  /** Samples of the larger model on escalation. */
  readonly escalationK: number;
  /** `cascade` only: the leader's share below which it escalates. */
  readonly threshold?: number | undefined;
  /** `cascade-mass` only: each model's `mass` opens with its recorded greedy trace. */
  readonly greedyFirst?: boolean | undefined;
}

/** Counts may be 0 here so that `cascade@0` is refused by the count's own check, which says what it must be. */
const cascadePattern = /^(cascade|cascade-mass)@(0|[1-9]\d*)(?:x(0|[1-9]\d*))?(g)?(?:t(\d*\.?\d+))?$/;

/**
 * `cascade@N[xM][tT]` and `cascade-mass@N[xM][g]`, spelled as in the strategy catalog: matched on the
 * lower-cased `text`, named `trimmed` (the spec as written, less surrounding spaces); `undefined` for a
 * spec of another kind.
 *
 * @throws ConfigError for a threshold on `cascade-mass`, a greedy opening on `cascade`, or a bad number.
 * @example
 * parseReplayCascade("cascade@4x8t1", "cascade@4x8t1", "--strategies"); // { kind: "cascade", k: 4, escalationK: 8, threshold: 1, … }
 */
export function parseReplayCascade(text: string, trimmed: string, flag: string): ReplayCascade | undefined {
  const match = cascadePattern.exec(text);
  if (match === null) return undefined;
  const [, kind, small, large, greedy, threshold] = match as unknown as [
    string,
    "cascade" | "cascade-mass",
    string,
    string | undefined,
    string | undefined,
    string | undefined,
  ];
  const owner = `${flag}: ${trimmed}`;
  if (kind === "cascade-mass" && threshold !== undefined) {
    throw new ConfigError(
      `${owner}: cascade-mass escalates on its certificate and takes no agreement threshold (t); expected cascade-mass@<k>[x<k>][g]`,
      { field: flag },
    );
  }
  if (kind === "cascade" && greedy !== undefined) {
    throw new ConfigError(
      `${owner}: only cascade-mass opens with greedy traces (g); expected cascade@<k>[x<k>][t<agreement>]`,
      { field: flag },
    );
  }
  const k = checkInteger(owner, "k", Number(small), { minimum: 1 });
  const escalationK =
    large === undefined ? k : checkInteger(owner, "escalationK", Number(large), { minimum: 1 });
  if (kind === "cascade-mass") {
    return { name: trimmed, kind, k, escalationK, ...(greedy === undefined ? {} : { greedyFirst: true }) };
  }
  return {
    name: trimmed,
    kind,
    k,
    escalationK,
    threshold: checkNumber(
      owner,
      "threshold",
      threshold === undefined ? defaultCascadeThreshold : Number(threshold),
      { minimum: 0, maximum: 1 },
    ),
  };
}
