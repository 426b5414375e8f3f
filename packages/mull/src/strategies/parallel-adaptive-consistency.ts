import { z } from "zod";
import {
  adaptiveConsistencyReached,
  affordableWorkers,
  candidatesReached,
  checkStopConditions,
  completionTokenCap,
  limitsTokens,
  type RunProgress,
} from "../budget/index.ts";
import { promptTokens, sampleCandidates } from "../generation/index.ts";
import { checkInteger, checkNumber, requireCapability } from "../runtime/index.ts";
import { majorityVote, tallyAnswers } from "../selection/index.ts";
import type { Candidate, StopCondition, StopReason, Strategy } from "../spec/index.ts";
import { defaultAdaptiveThreshold } from "./adaptive-consistency.ts";
import { checkFactoryOptions } from "./factory-options.ts";
import { lostSamples } from "./lost-samples.ts";
import { checkedByFactory, temperatureOption } from "./option-schemas.ts";
import { runBudgetedWorkers } from "./run-budgeted-workers.ts";
import { defaultSamplingTemperature, firstStop, requireSomething } from "./run-helpers.ts";
import type { StrategyEntry } from "./strategy-entry.ts";

/** Options of `parallelAdaptiveConsistency`. */
export interface ParallelAdaptiveConsistencyOptions {
  /** Traces started together (W). */
  readonly n: number;
  /**
   * Stop once this many traces have finished (F, short-m@k's quorum), whatever the vote; default none
   * (only the posterior, or all W finishing, stops it). At most `n`.
   */
  readonly quorum?: number | undefined;
  /**
   * Adaptive-Consistency's posterior threshold, above 0 and at most 1; default 0.95. At 1 it never stops on
   * the vote.
   */
  readonly threshold?: number | undefined;
  /** Sampling temperature; default the run's, else 0.7. */
  readonly temperature?: number | undefined;
}

const parallelAdaptiveConsistencyOptions = z.strictObject({
  n: checkedByFactory,
  quorum: checkedByFactory,
  threshold: checkedByFactory,
  temperature: temperatureOption,
} satisfies Record<keyof ParallelAdaptiveConsistencyOptions, unknown>);

/**
 * Adaptive-Consistency over traces run in parallel, voting in the order they finish (`pasc@W`,
 * `pasc@WfF`, then `t<threshold>` when the threshold is not 0.95: `pasc@16t0.9`, `pasc@16f8t0.9`): all
 * `n` traces start at once (one single-completion call each, so the backend runs them side by side: the
 * embedded engine batches them over its sequences, an HTTP backend streams them). Each trace that finishes joins the vote, and the stop rules are checked over the finished traces in that
 * order: `adaptiveConsistencyReached(threshold)` and, with a `quorum`, `candidatesReached(quorum)`. When
 * one holds, every trace still running is cut at once: its request is aborted (`sampleCandidates`'s
 * `cut`), whether it was streaming or still queued for its first token, so the strategy returns without
 * waiting for any of them; a token watcher also cuts, at its next token, any that the backend keeps
 * generating. A cut trace has finish reason `cut` and is charged exactly the tokens it generated up to
 * the cut (none when it was still queued). The majority vote over the finished traces is the answer, ties
 * to the answer that finished first. Cut traces stay in `candidates` (their tokens are the run's) but
 * never vote.
 *
 * Why completion order: on reasoning models the shorter traces are more often right, so voting over the
 * first to finish favours them and the quorum drops the slow tail (short-m@k, Hassid et al. 2025). On the
 * recorded Qwen3-1.7B traces `pasc@24f12` kept SC@64's accuracy at 0.28–0.32 of its tokens, 1.7–1.9x fewer
 * than sequential Adaptive-Consistency (`mull replay`, README). Traces that finish in the same step all
 * vote, in the order their calls return.
 *
 * Under a budget, only as many traces start at once as it affords (`affordableWorkers`: a call each, the
 * prompt and `maxTokens` each, or once traces have finished, their mean length), and each time one ends,
 * as many more as then fit, until W have started or the vote is decided; the tokens left are shared among
 * the traces started together (`completionTokenCap` over them), so a trace that runs into its share was
 * cut by the budget and does not vote. Before anything is measured, a budget too small for one trace of
 * `maxTokens` starts one with what is left, as a first sample does (`sampleCandidates`). Every call holds
 * what it may spend while in flight (`generateRecorded`), so the traces together stay within every limit;
 * those the budget kept from starting make the run stop by that limit (it is `partial`).
 *
 * A trace that fails (its call's error, e.g. a 503 after the retries) starts no more traces: the finished
 * ones vote, stopped by `samples-lost` (`partial`, with a trace note naming the failure) unless the vote
 * was decided, and when none finished the failure is thrown.
 *
 * Needs a backend that can watch tokens (`watchTokens`; `CapabilityError` otherwise), since cutting the
 * traces still running is where the saving is.
 *
 * @throws CapabilityError when the backend cannot watch tokens.
 * @throws ConfigError for an unknown option, a `temperature` below 0, or when `n`, `quorum` or
 * `threshold` is out of range.
 * @example
 * const strategy = parallelAdaptiveConsistency({ n: 24, quorum: 12 });
 * const result = await solve({ problem, strategy, backend });
 * console.log(result.stoppedBy); // e.g. "condition:adaptive-consistency"
 */
export function parallelAdaptiveConsistency(options: ParallelAdaptiveConsistencyOptions): Strategy {
  const owner = "parallelAdaptiveConsistency";
  checkFactoryOptions(parallelAdaptiveConsistencyOptions, options, owner);
  const n = checkInteger(owner, "n", options.n, { minimum: 1 });
  const quorum =
    options.quorum === undefined
      ? undefined
      : checkInteger(owner, "quorum", options.quorum, { minimum: 1, maximum: n });
  const threshold = checkNumber(owner, "threshold", options.threshold ?? defaultAdaptiveThreshold, {
    exclusiveMinimum: 0,
    maximum: 1,
  });
  const name = `pasc@${n}${quorum === undefined ? "" : `f${quorum}`}${threshold === defaultAdaptiveThreshold ? "" : `t${threshold}`}`;
  const conditions: StopCondition<RunProgress>[] = [adaptiveConsistencyReached(threshold)];
  if (quorum !== undefined) conditions.push(candidatesReached(quorum));
  const select = majorityVote();
  return {
    name,
    // Without a stop it is `sc@n` exactly: the same traces, the same vote.
    parameters: {
      inner: `sc@${n}`,
      n,
      threshold,
      ...(quorum === undefined ? {} : { quorum }),
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
    },
    samples: n,
    async run(problem, context) {
      await requireCapability(context.backend, "watchTokens", name, { signal: context.signal });
      const temperature = options.temperature ?? context.sampling.temperature ?? defaultSamplingTemperature;
      const all: Candidate[] = [];
      const finished: Candidate[] = [];
      let condition: StopReason | undefined;
      // Aborted once the vote is decided: it ends the requests of the traces still running.
      const decided = new AbortController();
      const cutWhenSettled = () => () => (condition === undefined ? "continue" : "stop");
      const join = (candidate: Candidate): void => {
        all.push(candidate);
        if (candidate.finishReason === "cut") return;
        finished.push(candidate);
        if (condition !== undefined) return;
        const progress: RunProgress = {
          spent: context.budget.spent(),
          candidates: finished,
          votes: tallyAnswers(finished, context.answerFormat),
          keys: finished.map((entry) =>
            entry.answer === undefined ? undefined : context.answerFormat.key(entry.answer),
          ),
        };
        condition = checkStopConditions(conditions, progress);
        if (condition !== undefined) decided.abort(new Error(`${name}: decided (${condition})`));
      };
      const { budget } = context;
      const prompt = problem.prompt ?? context.promptTemplate(problem);
      const tokenLimited = limitsTokens(budget);
      // A single-completion call charges its prompt once, on any backend.
      const promptEach = tokenLimited ? (await promptTokens(context, prompt)).tokens : 0;
      const maxTokens = context.sampling.maxTokens;
      // Traces of the vote so far: how long a trace runs, for sizing the next ones.
      const measured = () => finished.filter((candidate) => candidate.completionTokens !== undefined);
      const affordable = (started: number) => {
        const lengths = measured().map((candidate) => candidate.completionTokens ?? 0);
        const estimate =
          lengths.length > 0 ? lengths.reduce((sum, tokens) => sum + tokens, 0) / lengths.length : maxTokens;
        const cost = { calls: 1, promptTokens: promptEach, completionTokens: estimate };
        const fit = affordableWorkers(budget, n - started, cost);
        const firstUnsized = tokenLimited && started === 0 && (estimate === undefined || fit.count === 0);
        if (!firstUnsized) return fit;
        // Nothing measured, and `maxTokens` unknown or more than is left: one trace first, with what is
        // left, as a first sample goes alone to measure.
        const one = affordableWorkers(budget, 1, { ...cost, completionTokens: 1 });
        return { count: one.count, shortfall: one.shortfall ?? fit.shortfall };
      };
      const startWave = (count: number): Promise<StopReason>[] => {
        // The traces started together share the tokens left, as the completions of one call would.
        const share = completionTokenCap(budget, count, count * promptEach);
        return Array.from({ length: count }, () =>
          sampleCandidates({
            problem,
            prompt,
            n: 1,
            context,
            sampling: { temperature },
            watchCompletion: cutWhenSettled,
            cut: decided.signal,
            ...(share === undefined ? {} : { budgetShare: share }),
          }).then((sample) => {
            for (const candidate of sample.candidates) join(candidate);
            return sample.stoppedBy;
          }),
        );
      };
      const { settled, shortfall } = await runBudgetedWorkers({
        wanted: n,
        affordable,
        startWave,
        stop: () => condition !== undefined,
      });
      const lost = lostSamples({ owner: name, settled, finished: finished.length, context });
      const reasons = settled.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
      // A decided vote is the plan's own end, even with a trace lost on the way (its note stays); decided
      // only as the last of the n traces finished, it cut nothing: the run is complete.
      const decidedEarly = condition !== undefined && finished.length < n;
      const stoppedBy = decidedEarly
        ? condition!
        : firstStop(lost ?? "complete", ...reasons, shortfall ?? "complete");
      requireSomething(finished.length, stoppedBy);
      const result = select(finished, context);
      return { answer: result.answer, best: result.best, candidates: all, votes: result.tally, stoppedBy };
    },
  };
}

/** `pasc@N`, `pasc@NfF`, `pasc@NtT` and `pasc@NfFtT` in the strategy catalog. */
export const parallelAdaptiveConsistencyEntry: StrategyEntry = {
  forms: ["pasc@N", "pasc@NfF", "pasc@NtT", "pasc@NfFtT"],
  kind: "sampling",
  choosesWholeSamples: true,
  summary:
    "Adaptive-Consistency over N traces run in parallel, voting as they finish; the rest are cut once P(leader wins) ≥ T (0.95) or F have finished",
  needs: [],
  replay: "recorded",
  decimals: ["T"],
  ceilings: { T: 1 },
  counterpart: ({ N }) => `sc@${N}`,
  create: ({ N, F, T }) => parallelAdaptiveConsistency({ n: N!, quorum: F, threshold: T }),
};
