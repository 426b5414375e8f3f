import { ConfigError } from "../../errors/index.ts";
import { checkInteger, checkNumber } from "../../runtime/index.ts";

/** The strategies replay can evaluate from recorded samples. */
export const replayStrategyKinds = [
  "maj",
  "rm",
  "bon",
  "wv",
  "wv-prob",
  "mean",
  "pass",
  "asc",
  "esc",
  "probe",
  "probe-asc",
] as const;

/** A replay strategy kind. */
export type ReplayStrategyKind = (typeof replayStrategyKinds)[number];

/** A strategy over the first (or k random) recorded samples of each problem. */
export interface ReplayStrategy {
  /** As written, e.g. `maj@40`. */
  readonly name: string;
  readonly kind: ReplayStrategyKind;
  /** Samples per problem; for `asc` and `esc`, the most they may use. */
  readonly k: number;
  /** `asc` only: the posterior probability that the leader beats the runner-up at which it stops. */
  readonly threshold?: number | undefined;
  /** `esc` only: the window whose unanimity stops it. */
  readonly window?: number | undefined;
  /** `probe` and `probe-asc` only: how many agreeing probe answers in a row stop a trace. */
  readonly agreement?: number | undefined;
}

/** Adaptive-Consistency's threshold when `asc@k` names none (the paper's default). */
const defaultThreshold = 0.95;

const pattern =
  /^(maj|rm|bon|wv-prob|wv|mean|pass|asc|esc|probe-asc|probe)@([1-9]\d*)(?:w([1-9]\d*))?(?:m([1-9]\d*))?(?::t(\d*\.?\d+))?$/;

/** Whether a kind stops each trace at its probes. */
function stopsTraces(kind: ReplayStrategyKind): boolean {
  return kind === "probe" || kind === "probe-asc";
}

/**
 * Parses a replay strategy spec `<kind>@<k>`:
 * - `maj@k` majority vote over answer keys (ties: the answer that appeared first);
 * - `rm@k` / `bon@k` the sample with the highest reward (ties: the first);
 * - `wv@k` vote weighted by reward; `wv-prob@k` vote weighted by sequence probability;
 * - `mean@k` mean single-sample accuracy; `pass@k` whether any of the k is correct (an oracle);
 * - `asc@k` Adaptive-Consistency: a majority vote that draws samples one by one and stops once the
 *   leader beats the runner-up with posterior probability 0.95 (`asc@k:t0.9` for another threshold),
 *   at most k samples;
 * - `esc@kwW` early-stopping self-consistency: a majority vote that stops after a unanimous window of W
 *   samples, at most k samples;
 * - `probe@kmM` self-consistency over k traces each stopped by its probes: a trace stops once M probe
 *   answers in a row agree, answering that answer for the tokens read up to there;
 * - `probe-asc@kmM` the same stopped traces drawn one by one until Adaptive-Consistency stops
 *   (`:t<threshold>` as for `asc`).
 *
 * @throws ConfigError naming the flag and the value when the spec is malformed.
 * @example
 * parseReplayStrategy("maj@40"); // { name: "maj@40", kind: "maj", k: 40 }
 * parseReplayStrategy("esc@64w8"); // { name: "esc@64w8", kind: "esc", k: 64, window: 8 }
 * parseReplayStrategy("probe@64m3"); // { name: "probe@64m3", kind: "probe", k: 64, agreement: 3 }
 */
export function parseReplayStrategy(spec: string, flag = "--strategies"): ReplayStrategy {
  const trimmed = spec.trim();
  const match = pattern.exec(trimmed);
  const kind = match?.[1] as ReplayStrategyKind | undefined;
  // A window belongs to esc alone, an agreement to the probe kinds alone, and a threshold to the
  // kinds that stop like Adaptive-Consistency; esc and the probe kinds cannot do without theirs.
  if (
    match === null ||
    kind === undefined ||
    (match[3] !== undefined) !== (kind === "esc") ||
    (match[4] !== undefined) !== stopsTraces(kind) ||
    (match[5] !== undefined && kind !== "asc" && kind !== "probe-asc")
  ) {
    throw new ConfigError(
      `${flag}: ${JSON.stringify(spec)} is not a replay strategy; expected <kind>@<k> with kind one of ${replayStrategyKinds.join(", ")} and k >= 1 (e.g. maj@8), asc@<k>[:t<threshold>], esc@<k>w<window>, probe@<k>m<agreement> or probe-asc@<k>m<agreement>[:t<threshold>] (e.g. asc@64, esc@64w8, probe@64m3)`,
      { field: flag },
    );
  }
  const k = Number(match[2]);
  if (!Number.isSafeInteger(k)) {
    throw new ConfigError(`${flag}: k in ${JSON.stringify(spec)} is too large`, { field: flag });
  }
  const owner = `${flag}: ${trimmed}`;
  if (kind === "esc") {
    return {
      name: trimmed,
      kind,
      k,
      window: checkInteger(owner, "window", Number(match[3]), { maximum: k }),
    };
  }
  const agreement = stopsTraces(kind)
    ? { agreement: checkInteger(owner, "agreement", Number(match[4])) }
    : {};
  if (kind === "asc" || kind === "probe-asc") {
    const threshold = match[5] === undefined ? defaultThreshold : Number(match[5]);
    checkNumber(owner, "threshold", threshold, { exclusiveMinimum: 0, maximum: 1 });
    return { name: trimmed, kind, k, threshold, ...agreement };
  }
  if (kind === "probe") return { name: trimmed, kind, k, ...agreement };
  return { name: trimmed, kind, k };
}

/**
 * Parses a comma-separated list of replay strategies, e.g. `"maj@40,mean@1,pass@40"`.
 *
 * @throws ConfigError naming the flag and the value when the list is empty or a spec is malformed.
 */
export function parseReplayStrategies(list: string, flag = "--strategies"): ReplayStrategy[] {
  const specs = list
    .split(",")
    .map((spec) => spec.trim())
    .filter((spec) => spec !== "");
  if (specs.length === 0)
    throw new ConfigError(`${flag}: no strategies in ${JSON.stringify(list)}`, { field: flag });
  return specs.map((spec) => parseReplayStrategy(spec, flag));
}
