import { z } from "zod";
import { checkStopConditions, weightedConsensusReached } from "../budget/index.ts";
import { sampleCandidates } from "../generation/index.ts";
import { checkInteger, checkNumber, requireCapability } from "../runtime/index.ts";
import { confidenceThreshold, defaultTopLogprobs, lowConfidenceCut } from "../scoring/index.ts";
import type { Candidate, Score, StopReason, Strategy } from "../spec/index.ts";
import { checkFactoryOptions } from "./factory-options.ts";
import { onlineConfidence } from "./online-confidence.ts";
import { onlineVote } from "./online-vote.ts";
import { checkedByFactory, temperatureOption } from "./option-schemas.ts";
import { defaultSamplingTemperature, requireSomething, runProgress } from "./run-helpers.ts";
import type { StrategyEntry } from "./strategy-entry.ts";

/** Options of `deepConfOnline`. */
export interface DeepConfOnlineOptions {
  /** Most traces to draw, warm-up included. */
  readonly n: number;
  /**
   * Traces sampled in full first, to set the stop threshold; default min(16, max(2, ⌈n/4⌉), n): the paper's
   * 16 once n ≥ 64 (it drew 16 of 512), a quarter of n below.
   */
  readonly warmup?: number | undefined;
  /**
   * η: the percent of the warm-up traces, the most confident, whose lowest group confidence the stop
   * threshold keeps; default 90 (DeepConf-high: cut only what is less confident than almost every warm-up
   * trace). 10 is DeepConf-low. At 100 the threshold is the least confident warm-up trace.
   */
  readonly keepPercent?: number | undefined;
  /**
   * τ: sampling stops once the leading answer holds this share of the confidence-weighted vote, from 0
   * to 1; default 0.95. At 1 it never stops early.
   */
  readonly consensus?: number | undefined;
  /**
   * Traces drawn at once after the warm-up, each watched on its own; the consensus is checked between
   * waves. Default 4: enough to keep a batching backend busy, few enough that a wave drawn after the vote
   * has settled costs little. 1 is the paper's one-at-a-time schedule.
   */
  readonly waveSize?: number | undefined;
  /** k: top alternatives per token that count toward its confidence; default 20 (the backend's max if lower). */
  readonly topLogprobs?: number | undefined;
  /**
   * Tokens per group; default the paper's 2048, but at most an eighth of the warm-up traces' mean length
   * (rounded up), so that groups stay local on short traces.
   */
  readonly window?: number | undefined;
  /** Sampling temperature; default the run's, else 0.7. */
  readonly temperature?: number | undefined;
}

const deepConfOnlineOptions = z.strictObject({
  n: checkedByFactory,
  warmup: checkedByFactory,
  keepPercent: checkedByFactory,
  consensus: checkedByFactory,
  waveSize: checkedByFactory,
  topLogprobs: checkedByFactory,
  window: checkedByFactory,
  temperature: temperatureOption,
} satisfies Record<keyof DeepConfOnlineOptions, unknown>);

const defaultKeepPercent = 90;
const defaultConsensus = 0.95;
const defaultWaveSize = 4;
const paperWarmup = 16;

/**
 * The paper's 16 warm-up traces, but at most a quarter of `n` (and at least 2, so that the first consensus
 * check is not a vote of one): with min(16, n) every trace of `deepconf-online@16` would be a warm-up trace
 * and nothing could be cut or saved.
 */
function defaultWarmup(n: number): number {
  return Math.min(n, paperWarmup, Math.max(2, Math.ceil(n / 4)));
}

/**
 * Online DeepConf (Fu et al., "Deep Think with Confidence"): traces that lose confidence are cut while
 * they are generated, and sampling stops once the vote has settled.
 *
 * 1. Warm-up: `warmup` traces are sampled in full with their top-k log-probabilities; each one's lowest
 *    group confidence (mean token confidence over `window` consecutive tokens) is measured, and the stop
 *    threshold s is set so that the `keepPercent`% most confident of them are at or above it.
 * 2. Then traces are drawn in waves of `waveSize`, each watched token by token (`lowConfidenceCut`): as
 *    soon as a full group's confidence falls below s the backend ends it (finish reason `cut`). A cut
 *    trace does not vote, but its tokens up to the cut are spent and charged.
 * 3. Before each wave, the consensus is checked: once the leading answer holds `consensus` of the
 *    confidence-weighted vote of the traces so far that were not cut, sampling stops
 *    (`weightedConsensusReached`: `condition:consensus`); at most `n` traces are drawn in all. The check falls between waves, so no
 *    trace is in flight at the stop and the answer waits for none. (Warm-up traces below s count here
 *    though they do not vote: under a strict bar a vote of one or two would always look unanimous.)
 * 4. The answer is the confidence-weighted vote of the traces that were not cut and are at or above s
 *    (warm-up traces below s do not vote, as in the paper's code) — `confidenceFilteredVote` keeping all
 *    of them — or a majority vote, with a note, when none can vote.
 *
 * Needs a backend with log-probabilities, top alternatives and a token watcher (`watchTokens`; a
 * `CapabilityError` names what is missing before anything is sampled). Every candidate carries its
 * `deepconf:lowest-group` score, cut ones over the tokens they got to, and each score is recorded once as a
 * `score` event under its completion's `generation` event (the warm-up's once the window is fixed).
 *
 * @throws ConfigError for an unknown option, a count or share out of range or a `temperature` below 0.
 * @example
 * const result = await solve({ problem, strategy: deepConfOnline({ n: 64, warmup: 16 }), backend });
 * console.log(result.stoppedBy, result.candidates.filter((candidate) => candidate.finishReason === "cut").length);
 */
export function deepConfOnline(options: DeepConfOnlineOptions): Strategy {
  const owner = "deepConfOnline";
  checkFactoryOptions(deepConfOnlineOptions, options, owner);
  const n = checkInteger(owner, "n", options.n, { minimum: 1 });
  const warmup = checkInteger(owner, "warmup", options.warmup ?? defaultWarmup(n), {
    minimum: 1,
    maximum: n,
  });
  const keepPercent = checkNumber(owner, "keepPercent", options.keepPercent ?? defaultKeepPercent, {
    exclusiveMinimum: 0,
    maximum: 100,
  });
  const consensus = checkNumber(owner, "consensus", options.consensus ?? defaultConsensus, {
    exclusiveMinimum: 0,
    maximum: 1,
  });
  const waveSize = checkInteger(owner, "waveSize", options.waveSize ?? defaultWaveSize, { minimum: 1 });
  // One alternative would turn the measure upside down (see `tokenConfidence`).
  const k = checkInteger(owner, "topLogprobs", options.topLogprobs ?? defaultTopLogprobs, { minimum: 2 });
  const window =
    options.window === undefined ? undefined : checkInteger(owner, "window", options.window, { minimum: 1 });
  const name = `deepconf-online@${n}`;
  const scorer = "deepconf:lowest-group";
  return {
    name,
    parameters: {
      n,
      warmup,
      keepPercent,
      consensus,
      waveSize,
      topLogprobs: k,
      ...(window === undefined ? {} : { window }),
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
    },
    samples: n,
    async run(problem, context) {
      const need = { signal: context.signal };
      await requireCapability(context.backend, "logprobs", name, need);
      await requireCapability(context.backend, "topLogprobs", name, need);
      const capabilities = await requireCapability(context.backend, "watchTokens", name, need);
      const topLogprobs = Math.min(k, capabilities.maxTopLogprobs ?? k);
      const temperature = options.temperature ?? context.sampling.temperature ?? defaultSamplingTemperature;
      const sampling = { temperature };
      const confidence = onlineConfidence({ scorer, k: topLogprobs, window });

      const warm = await sampleCandidates({
        problem,
        n: warmup,
        context,
        sampling,
        topLogprobs,
        scoreTokens: confidence.hold,
      });
      requireSomething(warm.candidates.length, warm.stoppedBy);
      const settled = confidence.settle(warm.candidates);
      const candidates: Candidate[] = [...settled.candidates];
      // The warm-up was sampled with placeholders, which `sampleCandidates` leaves out of the trace: its
      // settled scores are recorded here, as it records the waves' (under each completion's generation).
      for (const candidate of candidates) {
        for (const score of candidate.scores) {
          if (score.scorer !== scorer || !Number.isFinite(score.value)) continue;
          const { value, steps, detail } = score;
          context.tracer.record({ type: "score", parentId: candidate.id, scorer, value, steps, detail });
        }
      }
      const values = candidates.flatMap((candidate) => {
        const score = candidate.scores.find((entry) => entry.scorer === scorer);
        return score === undefined ? [] : [score.value];
      });
      const threshold = confidenceThreshold(values, keepPercent);
      context.tracer.record({
        type: "note",
        parentId: context.parentId,
        message:
          threshold === undefined
            ? `${name}: no warm-up trace had a confidence; no trace is cut`
            : `${name}: group window ${settled.window} tokens, stop threshold ${threshold.toFixed(4)} from ${values.length} warm-up traces`,
      });
      const voters = (all: readonly Candidate[]) =>
        all.filter((candidate) => {
          const score = candidate.scores.find((entry) => entry.scorer === scorer);
          return (
            candidate.finishReason !== "cut" &&
            candidate.answer !== undefined &&
            score !== undefined &&
            (threshold === undefined || score.value >= threshold)
          );
        });
      const weightOf = (candidate: Candidate): number =>
        candidate.scores.find((entry) => entry.scorer === scorer)?.value ?? 0;

      // The consensus weighs every trace that ran to its end, not only those at or above the bar: under a
      // strict bar (DeepConf-low) a few warm-up traces vote, and a vote of one is always unanimous. At 1
      // it never stops early.
      const stopWhen =
        consensus < 1
          ? [
              weightedConsensusReached(consensus, (candidate) =>
                candidate.finishReason === "cut" ? undefined : weightOf(candidate),
              ),
            ]
          : [];
      let stoppedBy: StopReason = warm.stoppedBy;
      while (stoppedBy === "complete" && candidates.length < n) {
        const reason = checkStopConditions(stopWhen, runProgress(candidates, context));
        if (reason !== undefined) {
          stoppedBy = reason;
          break;
        }
        const wave = await sampleCandidates({
          problem,
          n: Math.min(waveSize, n - candidates.length),
          context,
          sampling,
          topLogprobs,
          scoreTokens: (tokens): Score | undefined => confidence.score(tokens, settled.window),
          ...(threshold === undefined
            ? {}
            : {
                watchCompletion: () =>
                  lowConfidenceCut({ k: topLogprobs, window: settled.window, threshold }),
              }),
        });
        candidates.push(...wave.candidates);
        stoppedBy = wave.stoppedBy;
      }
      const result = onlineVote(name, scorer, voters(candidates), candidates, context);
      return { answer: result.answer, best: result.best, candidates, votes: result.tally, stoppedBy };
    },
  };
}

/** `deepconf-online@N` in the strategy catalog. */
export const deepConfOnlineEntry: StrategyEntry = {
  forms: ["deepconf-online@N"],
  kind: "sampling",
  choosesWholeSamples: true,
  summary:
    "online DeepConf: a trace is cut once a window falls below the warm-up's confidence bar; stops at 95% consensus; at most N",
  needs: ["logprobs"],
  replay: {
    liveOnly:
      "deepconf-online@N stops traces by their confidence while they are generated, which needs live generation; deepconf@<k> is DeepConf over recorded traces",
  },
  counterpart: ({ N }) => `deepconf@${N}`,
  create: ({ N }) => deepConfOnline({ n: N! }),
};
