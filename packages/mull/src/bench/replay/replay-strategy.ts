import type { AdaptivePosterior } from "../../budget/index.ts";
import type { ArchitectureLayer } from "../../composition/index.ts";
import { isArchitectureSpec } from "../../composition/index.ts";
import { ConfigError } from "../../errors/index.ts";
import type { AllocationSpec } from "../../routing/index.ts";
import { checkInteger, checkNumber, splitList } from "../../runtime/index.ts";
import type { ConfidenceMeasure } from "../../scoring/index.ts";
import { liveOnlyHint } from "./live-only-hint.ts";
import { liveProbeHint } from "./live-probe-hint.ts";
import { parseLogprobStrategy } from "./parse-logprob-strategy.ts";
import { parseReplayAllocation, type RunModels } from "./parse-replay-allocation.ts";
import { parseReplayArchitecture } from "./parse-replay-architecture.ts";
import { parseReplayCascade } from "./parse-replay-cascade.ts";
import { replayExpectedForms } from "./replay-expected-forms.ts";
import { replayRouteHint } from "./replay-route-hint.ts";
import { type ReplayStrategyKind, replayKindAliases } from "./replay-strategy-kinds.ts";
import { replayWrapperSpec } from "./replay-wrapper-spec.ts";
import { requiredPartHint } from "./required-part-hint.ts";

export { type ReplayStrategyKind, replayStrategyKinds } from "./replay-strategy-kinds.ts";

/** A strategy over the first (or k random) recorded samples of each problem. */
export interface ReplayStrategy {
  /**
   * As written, less surrounding spaces, e.g. `maj@40`; a threshold keeps the spelling it was given in
   * (`asc@16t0.99`, or its alias `asc@16:t0.99`), so reports print what the command named.
   */
  readonly name: string;
  readonly kind: ReplayStrategyKind;
  /**
   * Samples per problem; for `asc` and `esc`, the most they may use; for `pprobe` and `pasc`, the
   * traces that run in parallel; for `cascade` and `cascade-mass`, the first model's samples; for `alloc`
   * and `alloc-mass`, the samples per problem on average (S), the batch's total being S times its problems.
   */
  readonly k: number;
  /**
   * `asc`, `probe-asc` and `pasc`: the posterior probability that the leader beats the runner-up at
   * which it stops; `cascade`: the first model's agreement (its leader's share of the answered samples)
   * below which it escalates; `accept`: the verifier's probability (the reward on the probability scale)
   * at or above which it accepts a sample.
   */
  readonly threshold?: number | undefined;
  /**
   * `asc` and `probe-asc`: the posterior the threshold applies to (`adaptiveConsistencyReached`); `dirichlet`
   * with `asc@kd`, else absent (the Beta rule).
   */
  readonly posterior?: AdaptivePosterior | undefined;
  /** `cascade` and `cascade-mass` only: the samples the model escalated to uses (`M` of `cascade@NxM`). */
  readonly escalationK?: number | undefined;
  /** `esc` only: the window whose unanimity stops it. */
  readonly window?: number | undefined;
  /** `probe` and `probe-asc` only: how many agreeing probe answers in a row stop a trace. */
  readonly agreement?: number | undefined;
  /** `pprobe` only: for how many probe rounds in a row one answer must lead the tally to stop. */
  readonly rounds?: number | undefined;
  /** `pprobe` only: the share of the traces the leader must hold in each of those rounds (default 0). */
  readonly share?: number | undefined;
  /** `pprobe` only: a running trace that disagrees with the leader this many rounds in a row is pruned. */
  readonly pruneAfter?: number | undefined;
  /** `pasc` only: stop once this many traces have finished, even without consensus (short-m@k's m). */
  readonly quorum?: number | undefined;
  /** `mass` only: the weight of the probability mass no drawn trace covers (1, the certificate, by default). */
  readonly unexploredWeight?: number | undefined;
  /**
   * `mass@kg` and `cascade-mass@NxMg`: the problem's recorded greedy trace comes first, then k − 1 samples
   * (for the cascade, on each model: its own greedy trace, then its samples); `alloc-mass@…g`: each probe
   * opens with it.
   */
  readonly greedyFirst?: boolean | undefined;
  /** `deepconf` only: η, the percent of the traces, the most confident, that vote. */
  readonly keepPercent?: number | undefined;
  /** `deepconf` only: how a trace's confidence is summed up (`traceConfidence`). */
  readonly measure?: ConfidenceMeasure | undefined;
  /** `deepconf` only: tokens per confidence group; absent, the live default. */
  readonly groupWindow?: number | undefined;
  /** `certainty` only: the power p of its Borda vote's rank weights (N − r + 1)^p. */
  readonly power?: number | undefined;
  /** `architecture` only: its layers, the first a `gen@k` (see `parseReplayArchitecture`). */
  readonly layers?: readonly ArchitectureLayer[] | undefined;
  /** `alloc` and `alloc-mass` only: the allocation as `parseAllocationSpec` reads it. */
  readonly allocation?: AllocationSpec | undefined;
}

/** Adaptive-Consistency's threshold when `asc@k` names none (the paper's default). */
const defaultThreshold = 0.95;

/**
 * `<kind>@<k>` and its parts in a fixed order, over the lower-cased spec. Counts may be 0 here so that
 * `maj@0` or `esc@64w0` is refused by the count's own check, which says what it must be. The thresholds `t`, `q` and `u` are written inline, as the
 * strategy catalog writes them (`asc@16t0.99`, `mass@8gu0.5`), or after a colon (`asc@16:t0.99`), the
 * spelling replay used first and keeps as an alias (the catalog's colon names a model route instead).
 */
const pattern =
  /^(maj|sc|rs|rm|bon|wv-prob|wv|mean|pass|asc|esc|mass|probe-asc|probe|pprobe|pasc|accept)@(0|[1-9]\d*)(?:w(0|[1-9]\d*))?(?:m(0|[1-9]\d*))?(?:s(0|[1-9]\d*))?(?:d(0|[1-9]\d*))?(?:f(0|[1-9]\d*))?(g)?(d)?(?::?t(\d*\.?\d+))?(?::?q(\d*\.?\d+))?(?::?u(\d*\.?\d+))?$/;

/** Whether a replay strategy is a cascade between two models' recorded samples. */
export function isCascade(
  strategy: ReplayStrategy,
): strategy is ReplayStrategy & { kind: "cascade" | "cascade-mass"; escalationK: number } {
  return strategy.kind === "cascade" || strategy.kind === "cascade-mass";
}

/** Whether a replay strategy is compute-optimal allocation over the replayed batch (`alloc@4`, `alloc-mass@4g`). */
export function isAllocation(
  strategy: ReplayStrategy,
): strategy is ReplayStrategy & { kind: "alloc" | "alloc-mass"; allocation: AllocationSpec } {
  return (strategy.kind === "alloc" || strategy.kind === "alloc-mass") && strategy.allocation !== undefined;
}

/** Whether a kind stops each trace at its probes. */
function stopsTraces(kind: ReplayStrategyKind): boolean {
  return kind === "probe" || kind === "probe-asc";
}

/** Whether a kind stops on Adaptive-Consistency's rule one sample at a time, and so takes a posterior (`d`). */
function takesPosterior(kind: ReplayStrategyKind): boolean {
  return kind === "asc" || kind === "probe-asc";
}

/** Whether a kind takes a `t` threshold: Adaptive-Consistency's posterior, or `accept`'s verifier verdict. */
function takesThreshold(kind: ReplayStrategyKind): boolean {
  return kind === "asc" || kind === "probe-asc" || kind === "pasc" || kind === "accept";
}

/** `accept@k`'s threshold when it names none: a verifier's even odds. */
const defaultAcceptThreshold = 0.5;

/**
 * A count of a spec that is at least 1 and at most k (an `esc` window, a `pasc` quorum); a count below 1
 * and one above k each get their own message, naming the bound that was crossed.
 */
function countUpTo(owner: string, field: string, written: string | undefined, k: number): number {
  const count = checkInteger(owner, field, Number(written), { minimum: 1 });
  return checkInteger(owner, field, count, { maximum: k });
}

/** Whether each part of a matched spec belongs to its kind, and the kind's required parts are there. */
function wellFormed(kind: ReplayStrategyKind, match: RegExpExecArray): boolean {
  const [, , , window, agreement, rounds, prune, quorum, greedy, dirichlet, threshold, share, unexplored] =
    match;
  return (
    (dirichlet === undefined || takesPosterior(kind)) &&
    (unexplored === undefined || kind === "mass") &&
    (greedy === undefined || kind === "mass") &&
    (window !== undefined) === (kind === "esc") &&
    (agreement !== undefined) === stopsTraces(kind) &&
    (rounds !== undefined) === (kind === "pprobe") &&
    (prune === undefined || kind === "pprobe") &&
    (share === undefined || kind === "pprobe") &&
    (quorum === undefined || kind === "pasc") &&
    (threshold === undefined || takesThreshold(kind))
  );
}

/** Whether `text` is a well-formed spec of `kind` under `pattern`. */
function reads(kind: ReplayStrategyKind, text: string): boolean {
  const match = pattern.exec(text);
  return match !== null && wellFormed(kind, match);
}

/**
 * Parses a replay strategy spec `<kind>@<k>`, spelled as the strategy catalog spells the live strategy of
 * the same name where there is one (`asc@16dt0.99`, `mass@8gu0.5`, `accept@8t0.9`, `cascade@4x8t1`). A
 * `t`, `q` or `u` threshold of a kind other than the cascades may also follow a colon (`asc@16:t0.99`,
 * `pprobe@32s6:q0.8`), an alias that parses to the same strategy under the name as written. As with live
 * specs, case and surrounding spaces are ignored (`MAJ@3`, ` Asc@3T0.6 `); the name keeps the spec as
 * written, less surrounding spaces (an architecture's, its canonical form):
 * - `maj@k` majority vote over answer keys (ties: the answer that appeared first); `sc@k` and `rs@k`, the
 *   live self-consistency and repeated sampling, whose answer is that vote, are aliases (`replayKindAliases`);
 * - `rm@k` / `bon@k` the sample with the highest reward (ties: the first);
 * - `wv@k` vote weighted by reward; `wv-prob@k` vote weighted by sequence probability;
 * - `mean@k` mean single-sample accuracy; `pass@k` whether any of the k is correct (an oracle);
 * - `asc@k` Adaptive-Consistency: a majority vote that draws samples one by one and stops once the
 *   leader beats the runner-up with posterior probability 0.95 (`asc@kt0.9` for another threshold),
 *   at most k samples; `asc@kd` the same with the Dirichlet posterior over every answer seen (the
 *   probability that the leader's share is the largest, `adaptiveConsistencyReached`);
 * - `esc@kwW` early-stopping self-consistency: a majority vote that stops after a unanimous window of W
 *   samples, at most k samples; the live wrappers around a majority vote read as these two kinds under the
 *   name as written: `asc(maj@8)` (or `sc`, `rs` inside, then `d`, `tT`) is `asc@8`, `esc(sc@8)w4` is `esc@8w4`;
 * - `probe@kmM` self-consistency over k traces each stopped by its probes: a trace stops once M probe
 *   answers in a row agree, answering that answer for the tokens read up to there;
 * - `probe-asc@kmM` the same stopped traces drawn one by one until Adaptive-Consistency stops
 *   (`d` and `t<threshold>` as for `asc`);
 * - `pprobe@WsS[dD][q<share>]` Parallel-Probe: W traces advance together, one probe interval per
 *   round; after each round every trace's current answer (latest probe, or final answer once finished)
 *   is tallied, and all stop once one answer has led for S rounds in a row (each time held by at least
 *   `share` of the W traces), answering it; with `dD` a running trace that disagrees with the leader D
 *   rounds in a row is pruned;
 * - `pasc@W[fF][t<threshold>]` Adaptive-Consistency over W traces run in parallel, voting in the order
 *   they finish; all stop once its posterior clears the threshold, or (with `fF`) once F have finished;
 * - `mass@k[g][u<weight>]` mass-certified self-consistency: draws samples one by one until the leader's
 *   probability mass over distinct traces beats the runner-up's plus the uncovered mass (times the
 *   weight, default 1), at most k, then votes by that mass; needs every sample's logprob, and treats
 *   samples without a recorded text as distinct traces; `mass@kg` opens with the problem's recorded greedy
 *   trace (`EvaluateReplayOptions.openings`), then draws k − 1 samples;
 * - `cascade@N[xM][tT]` a model cascade over two recorded sample sets (the second, the larger model's, from
 *   `escalation`): `maj@N` on the first model's samples answers when its leader holds at least T of the
 *   answered samples (default 0.75), otherwise `maj@M` (default N) on the larger model's samples answers;
 * - `cascade-mass@N[xM][g]` the same, escalating unless `mass@N` on the first model's samples stopped on its
 *   certificate, and answering with `mass@M` on the larger model's; with `g` each model's `mass` opens with
 *   its recorded greedy trace (`EvaluateReplayOptions.openings` and `escalationOpenings`);
 * - `alloc@S[pP][cC]` and `alloc-mass@S[pP][cC][g]` compute-optimal allocation over the replayed batch
 *   (`parseAllocationSpec`, `allocationOutcomes`): probes of P samples, the rest of S × problems where
 *   the probes disagree (or by mass gap), majority (or mass) votes; `alloc@SpP:PROBE>MODEL` takes its
 *   extra samples from `escalation`;
 * - `accept@k[t<threshold>]` resampling with a verifier (Stroebl et al., "Inference Scaling fLaws"): draws
 *   samples one by one until one's reward, as a probability (the logistic of a `logit`-scale reward), is
 *   at least the threshold (default 0.5), and answers it; abstains (no answer) when none of the k is;
 * - `deepconf@k[:e<η>][:w<window>][:<measure>]` offline DeepConf: the η% (default 90) most confident of the
 *   k traces take a confidence-weighted vote; `rpc@k` RPC's perplexity-consistency vote after reasoning
 *   pruning; `certainty@k[:p<power>]` self-certainty's Borda vote (`parseLogprobStrategy`): the live
 *   strategies' own selection over recorded confidences and log-probabilities;
 * - an architecture `gen@k+…` over the k samples, with the layers recordings allow: `verify[@T]` and
 *   `rank@K` read the rewards, `rank-lp@K` the log-probabilities, then `vote` or `first`
 *   (`parseReplayArchitecture`).
 *
 * @param models `--run`'s and `--escalate-run`'s models: an `alloc` route must name them in that order
 * @throws ConfigError naming the flag and the value when the spec is malformed, with a hint first where one
 *   fits (live probing's `probe@NkK`, a live-only kind such as `force@2048` and why it needs a live run, a
 *   live model route `cascade@4x8:a>b`, a missing part `esc@64`).
 * @example
 * parseReplayStrategy("maj@40"); // { name: "maj@40", kind: "maj", k: 40 }
 * parseReplayStrategy("sc@40"); // { name: "sc@40", kind: "maj", k: 40 }
 * parseReplayStrategy(" MAJ@3 "); // { name: "MAJ@3", kind: "maj", k: 3 }
 * parseReplayStrategy("esc@64w8"); // { name: "esc@64w8", kind: "esc", k: 64, window: 8 }
 * parseReplayStrategy("probe@64m3"); // { name: "probe@64m3", kind: "probe", k: 64, agreement: 3 }
 * parseReplayStrategy("pasc@24f12"); // { …, kind: "pasc", k: 24, quorum: 12, threshold: 0.95 }
 * parseReplayStrategy("asc@16dt0.99"); // { name: "asc@16dt0.99", kind: "asc", k: 16, threshold: 0.99, posterior: "dirichlet" }
 * parseReplayStrategy("asc@16d:t0.99"); // the same, named "asc@16d:t0.99"
 * parseReplayStrategy("deepconf@16:e10"); // { …, kind: "deepconf", k: 16, keepPercent: 10, measure: "lowest-group" }
 */
export function parseReplayStrategy(spec: string, flag = "--strategies", models?: RunModels): ReplayStrategy {
  const trimmed = spec.trim();
  // Architectures fold their layer words' case themselves and keep a model's name as written.
  if (isArchitectureSpec(trimmed)) return parseReplayArchitecture(trimmed, flag);
  // Every other spec is letters, numbers and option words that mean the same in either case.
  // Allocation specs may name a route, whose models keep their case.
  const allocation = parseReplayAllocation(trimmed, flag, models);
  if (allocation !== undefined) return allocation;
  const text = replayWrapperSpec(trimmed.toLowerCase());
  const cascade = parseReplayCascade(text, trimmed, flag);
  if (cascade !== undefined) return cascade;
  const logprobMethod = parseLogprobStrategy(text, flag, trimmed);
  if (logprobMethod !== undefined) return { ...logprobMethod, name: trimmed };
  const match = pattern.exec(text);
  const written = match?.[1];
  const kind =
    written === undefined ? undefined : (replayKindAliases[written] ?? (written as ReplayStrategyKind));
  if (match === null || kind === undefined || !wellFormed(kind, match)) {
    const hint =
      liveProbeHint(text) ??
      liveOnlyHint(text) ??
      replayRouteHint(trimmed, (head) => parseReplayStrategy(head, flag)) ??
      (kind === undefined ? undefined : requiredPartHint(text, kind, (part) => reads(kind, part)));
    throw new ConfigError(
      `${flag}: ${JSON.stringify(spec)} is not a replay strategy; ${hint === undefined ? "" : `${hint}; `}expected ${replayExpectedForms}`,
      { field: flag },
    );
  }
  const owner = `${flag}: ${trimmed}`;
  const k = Number(match[2]);
  if (!Number.isSafeInteger(k)) {
    throw new ConfigError(`${flag}: k in ${JSON.stringify(spec)} is too large`, { field: flag });
  }
  checkInteger(owner, "k", k, { minimum: 1 });
  const [, , , window, agreement, rounds, prune, quorum, greedy, dirichlet, threshold, share, unexplored] =
    match;
  if (kind === "mass") {
    const weight = unexplored === undefined ? 1 : Number(unexplored);
    return {
      name: trimmed,
      kind,
      k,
      unexploredWeight: checkNumber(owner, "unexploredWeight", weight, { minimum: 0, maximum: 1 }),
      ...(greedy === undefined ? {} : { greedyFirst: true }),
    };
  }
  if (kind === "esc") {
    return { name: trimmed, kind, k, window: countUpTo(owner, "window", window, k) };
  }
  if (kind === "pprobe") {
    return {
      name: trimmed,
      kind,
      k,
      rounds: checkInteger(owner, "rounds", Number(rounds), { minimum: 1 }),
      share: share === undefined ? 0 : checkNumber(owner, "share", Number(share), { minimum: 0, maximum: 1 }),
      ...(prune === undefined
        ? {}
        : { pruneAfter: checkInteger(owner, "pruneAfter", Number(prune), { minimum: 1 }) }),
    };
  }
  const posterior = dirichlet === undefined ? {} : { posterior: "dirichlet" as const };
  const stopping = takesThreshold(kind)
    ? {
        threshold: checkNumber(
          owner,
          "threshold",
          threshold === undefined
            ? kind === "accept"
              ? defaultAcceptThreshold
              : defaultThreshold
            : Number(threshold),
          { exclusiveMinimum: 0, maximum: 1 },
        ),
      }
    : {};
  if (kind === "pasc") {
    const finished = quorum === undefined ? {} : { quorum: countUpTo(owner, "quorum", quorum, k) };
    return { name: trimmed, kind, k, ...finished, ...stopping };
  }
  if (stopsTraces(kind)) {
    return {
      name: trimmed,
      kind,
      k,
      agreement: checkInteger(owner, "agreement", Number(agreement), { minimum: 1 }),
      ...stopping,
      ...posterior,
    };
  }
  return { name: trimmed, kind, k, ...stopping, ...posterior };
}

/**
 * Parses a comma-separated list of replay strategies, e.g. `"maj@40,mean@1,pass@40"`.
 *
 * @param models as for `parseReplayStrategy`
 * @throws ConfigError naming the flag and the value when the list or one of its items is empty (as
 *   `splitList` words it, naming the item's position), or a spec is malformed.
 */
export function parseReplayStrategies(
  list: string,
  flag = "--strategies",
  models?: RunModels,
): ReplayStrategy[] {
  return splitList(list, { field: flag }).map((spec) => parseReplayStrategy(spec, flag, models));
}
