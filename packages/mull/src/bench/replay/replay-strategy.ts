import { ConfigError } from "../../errors/index.ts";

/** The strategies replay can evaluate from recorded samples. */
export const replayStrategyKinds = ["maj", "rm", "bon", "wv", "wv-prob", "mean", "pass"] as const;

/** A replay strategy kind. */
export type ReplayStrategyKind = (typeof replayStrategyKinds)[number];

/** A strategy over the first (or k random) recorded samples of each problem. */
export interface ReplayStrategy {
  /** As written, e.g. `maj@40`. */
  readonly name: string;
  readonly kind: ReplayStrategyKind;
  /** Samples per problem. */
  readonly k: number;
}

const pattern = /^(maj|rm|bon|wv-prob|wv|mean|pass)@([1-9]\d*)$/;

/**
 * Parses a replay strategy spec `<kind>@<k>`:
 * - `maj@k` majority vote over answer keys (ties: the answer that appeared first);
 * - `rm@k` / `bon@k` the sample with the highest reward (ties: the first);
 * - `wv@k` vote weighted by reward; `wv-prob@k` vote weighted by sequence probability;
 * - `mean@k` mean single-sample accuracy; `pass@k` whether any of the k is correct (an oracle).
 *
 * @throws ConfigError naming the flag and the value when the spec is malformed.
 * @example
 * parseReplayStrategy("maj@40"); // { name: "maj@40", kind: "maj", k: 40 }
 */
export function parseReplayStrategy(spec: string, flag = "--strategies"): ReplayStrategy {
  const trimmed = spec.trim();
  const match = pattern.exec(trimmed);
  if (match === null) {
    throw new ConfigError(
      `${flag}: ${JSON.stringify(spec)} is not a replay strategy; expected <kind>@<k> with kind one of ${replayStrategyKinds.join(", ")} and k >= 1 (e.g. maj@8)`,
      { field: flag },
    );
  }
  const k = Number(match[2]);
  if (!Number.isSafeInteger(k)) {
    throw new ConfigError(`${flag}: k in ${JSON.stringify(spec)} is too large`, { field: flag });
  }
  return { name: trimmed, kind: match[1] as ReplayStrategyKind, k };
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
