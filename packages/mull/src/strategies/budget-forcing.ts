import { z } from "zod";
import { affordableWorkers, type WorkerCost } from "../budget/index.ts";
import { ConfigError } from "../errors/index.ts";
import { budgetForcedSolution, promptTokens, resolveThinkingCues } from "../generation/index.ts";
import { checkInteger } from "../runtime/index.ts";
import { majorityVote } from "../selection/index.ts";
import type { Candidate, CostRequest, SamplingStrategy, ThinkingCues } from "../spec/index.ts";
import { cueTokensAtMost } from "./cue-tokens.ts";
import { checkFactoryOptions } from "./factory-options.ts";
import { lostSamples } from "./lost-samples.ts";
import { checkedByFactory, temperatureOption, textOption } from "./option-schemas.ts";
import { runBudgetedWorkers } from "./run-budgeted-workers.ts";
import { defaultSamplingTemperature, firstStop, requireSomething } from "./run-helpers.ts";
import type { StrategyEntry } from "./strategy-entry.ts";

/** Options of `budgetForcing`: at least one of `maxThinkingTokens` and `minThinkingTokens`. */
export interface BudgetForcingOptions {
  /** Traces, each forced on its own; their answers vote. Default 1. */
  readonly n?: number | undefined;
  /** T: the most thinking tokens of a trace; a trace still going after them is made to answer. */
  readonly maxThinkingTokens?: number | undefined;
  /** The fewest thinking tokens: a trace that ends before them gets the continue cue and thinks on. */
  readonly minThinkingTokens?: number | undefined;
  /** E: how many times a trace may get the continue cue; default 1 (0 without `minThinkingTokens`). */
  readonly maxWaits?: number | undefined;
  /** Most tokens of a forced answer; default 32. */
  readonly answerTokens?: number | undefined;
  /** Appended to make the model answer; default the run's cue (its model profile's), else `\n\nFinal answer: `. */
  readonly answerCue?: string | undefined;
  /** Appended to make the model think on; default the run's cue, else `\nWait`. */
  readonly continueCue?: string | undefined;
  /** Sampling temperature of the thinking; default the run's, else 0.7. Forced answers are greedy. */
  readonly temperature?: number | undefined;
}

const budgetForcingOptions = z.strictObject({
  n: checkedByFactory,
  maxThinkingTokens: checkedByFactory,
  minThinkingTokens: checkedByFactory,
  maxWaits: checkedByFactory,
  answerTokens: checkedByFactory,
  answerCue: textOption.optional(),
  continueCue: textOption.optional(),
  temperature: temperatureOption,
} satisfies Record<keyof BudgetForcingOptions, unknown>);

const defaultAnswerTokens = 32;

/** What one budget-forced trace is bounded by, for `traceWorstCost`. */
interface TraceLimits {
  /** T, when the answer is forced after it. */
  readonly cap: number | undefined;
  /** E: continue cues at most. */
  readonly maxWaits: number;
  /** Most tokens of a forced answer. */
  readonly answerTokens: number;
}

/**
 * The most one budget-forced trace (`budgetForcedSolution`) spends, with a `promptTokens` prompt and a run
 * whose samples take at most `maxTokens`: up to E + 1 thinking calls, the first reading the prompt and each
 * later one re-reading the prompt and all the trace wrote (its thinking, at most T or `maxTokens`, and the
 * k continue cues appended so far), the thinking itself, and with a cap one forced answer's call (the
 * trace, its E cues and the answer cue read, `answerTokens` written). Without T or `maxTokens` the
 * thinking's length is unknown: its tokens are left out, and so are the generated tokens.
 */
function traceWorstCost(
  limits: TraceLimits,
  cues: ThinkingCues,
  promptTokens: number,
  maxTokens: number | undefined,
): WorkerCost {
  const { cap, maxWaits, answerTokens } = limits;
  const thinking = cap ?? maxTokens;
  const continueCue = cueTokensAtMost(cues.continueCue);
  const rereads =
    (maxWaits + 1) * promptTokens +
    maxWaits * (thinking ?? 0) +
    (continueCue * maxWaits * (maxWaits + 1)) / 2;
  const forcedRead =
    cap === undefined ? 0 : promptTokens + cap + maxWaits * continueCue + cueTokensAtMost(cues.answerCue);
  return {
    calls: maxWaits + 1 + (cap === undefined ? 0 : 1),
    promptTokens: rereads + forcedRead,
    completionTokens: thinking === undefined ? undefined : thinking + (cap === undefined ? 0 : answerTokens),
  };
}

/** The most tokens one budget-forced trace spends on `request` (`traceWorstCost`, read and written). */
function traceWorstCase(limits: TraceLimits, cues: ThinkingCues, request: CostRequest): number {
  const cost = traceWorstCost(limits, cues, request.promptTokens, request.maxTokens);
  return cost.promptTokens + (cost.completionTokens ?? 0);
}

function strategyName(
  n: number,
  cap: number | undefined,
  minimum: number | undefined,
  waits: number,
): string {
  const traces = n === 1 ? "" : `${n}x`;
  const extend = minimum === undefined ? "" : `${minimum}w${waits}`;
  if (cap === undefined) return `extend@${traces}${extend}`;
  return `force@${traces}${cap}${extend === "" ? "" : `+extend${extend}`}`;
}

/**
 * Budget forcing (s1, Muennighoff et al. 2025) on live traces: each of `n` traces thinks for at most
 * `maxThinkingTokens` tokens; one that has not finished by then gets the answer cue appended and answers
 * in at most `answerTokens` tokens, greedily (`budgetForcedSolution`). With `minThinkingTokens`, a trace
 * that ends before them gets the continue cue ("Wait") and thinks on, at most `maxWaits` times. A trace
 * costs its thinking tokens plus its answer's, exactly. The answers vote (majority; with `n` = 1 the one
 * trace's answer). Every continue cue costs a call that re-reads the whole trace, which its declared worst
 * case (`worstCaseTokens`) counts. The cues come from the options, else the run's context (the model's profile), else
 * `defaultThinkingCues`. Needs a backend that continues a prefix: `completion` for text prompts,
 * `continuePrefix` for chat prompts (`CapabilityError` otherwise). Under a budget, only as many traces
 * run at once as it affords at their worst case (`affordableWorkers`), and more start as those end and
 * leave room, so traces in flight never take the room another needs for its forced answer; a budget
 * below one trace's worst case still runs one, as far as it goes. When the budget, the deadline or an
 * abort stops it, the traces that answered vote (the run is `partial`): a trace cut at T that could not
 * be made to answer gives no answer, as a solution cut mid-way is no sample, and when none answered it
 * throws `BudgetExhaustedError`. A trace that fails (its call's error, e.g. a 503 after the retries) starts
 * no more traces; those that answered vote, stopped by `samples-lost` (`partial`, with a trace note naming
 * the failure), and when none answered the failure is thrown. Named `force@T`, `force@NxT`, `extend@MwE`.
 *
 * @throws ConfigError for an unknown option, a cue that is not a string, a `temperature` below 0, when
 * neither `maxThinkingTokens` nor `minThinkingTokens` is given, or a count is not a positive integer.
 * @example
 * const result = await solve({ problem, strategy: budgetForcing({ n: 4, maxThinkingTokens: 24 }), backend });
 */
export function budgetForcing(options: BudgetForcingOptions): SamplingStrategy {
  const owner = "budgetForcing";
  checkFactoryOptions(budgetForcingOptions, options, owner);
  const n = checkInteger(owner, "n", options.n ?? 1, { minimum: 1 });
  if (options.maxThinkingTokens === undefined && options.minThinkingTokens === undefined) {
    throw new ConfigError(`${owner}: expected maxThinkingTokens, minThinkingTokens or both, got neither`, {
      field: "maxThinkingTokens",
    });
  }
  const cap =
    options.maxThinkingTokens === undefined
      ? undefined
      : checkInteger(owner, "maxThinkingTokens", options.maxThinkingTokens, { minimum: 1 });
  const minimum =
    options.minThinkingTokens === undefined
      ? undefined
      : checkInteger(owner, "minThinkingTokens", options.minThinkingTokens, { minimum: 1 });
  const maxWaits = checkInteger(owner, "maxWaits", options.maxWaits ?? (minimum === undefined ? 0 : 1), {
    minimum: 0,
  });
  const answerTokens = checkInteger(owner, "answerTokens", options.answerTokens ?? defaultAnswerTokens, {
    minimum: 1,
  });
  const name = strategyName(n, cap, minimum, maxWaits);
  const select = majorityVote();
  return {
    name,
    parameters: {
      n,
      ...(cap === undefined ? {} : { maxThinkingTokens: cap }),
      ...(minimum === undefined ? {} : { minThinkingTokens: minimum, maxWaits }),
      answerTokens,
      ...(options.answerCue === undefined ? {} : { answerCue: options.answerCue }),
      ...(options.continueCue === undefined ? {} : { continueCue: options.continueCue }),
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
    },
    samples: n,
    // Each continue cue costs a call that re-reads the whole trace: E waits are E more reads of it.
    worstCaseTokens: (request) =>
      n * traceWorstCase({ cap, maxWaits, answerTokens }, resolveThinkingCues(request, options), request),
    select,
    withSamples: (samples) => budgetForcing({ ...options, n: samples }),
    async run(problem, context) {
      const prompt = problem.prompt ?? context.promptTemplate(problem);
      const cues = resolveThinkingCues(context, options);
      const temperature = options.temperature ?? context.sampling.temperature ?? defaultSamplingTemperature;
      // Each trace's seeds come from one drawn here, in order, so the run does not depend on which call
      // of which trace returns first.
      const seeds = Array.from({ length: n }, () => context.rng.nextSeed());
      const promptEach = (await promptTokens(context, prompt)).tokens;
      const worst = traceWorstCost(
        { cap, maxWaits, answerTokens },
        cues,
        promptEach,
        context.sampling.maxTokens,
      );
      const affordable = (started: number) => {
        const fit = affordableWorkers(context.budget, n - started, worst);
        if (fit.count > 0 || started > 0) return fit;
        // Below one trace's worst case: one trace still goes, as far as the budget lets it (its first call
        // needs the prompt, a token and the forced answer's tokens).
        const first = {
          calls: 1,
          promptTokens: promptEach,
          completionTokens: 1 + (cap === undefined ? 0 : answerTokens),
        };
        const one = affordableWorkers(context.budget, 1, first);
        return { count: one.count, shortfall: one.shortfall ?? fit.shortfall };
      };
      const { settled, shortfall } = await runBudgetedWorkers({
        wanted: n,
        affordable,
        startWave: (count, first) =>
          seeds.slice(first, first + count).map((seed) =>
            budgetForcedSolution({
              context,
              prompt,
              maxThinkingTokens: cap,
              minThinkingTokens: minimum,
              maxWaits,
              answerTokens,
              cues,
              seed,
              sampling: { temperature },
              requiredBy: name,
            }),
          ),
      });
      const traces = settled.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
      const candidates = traces
        .map((trace) => trace.candidate)
        .filter((candidate): candidate is Candidate => candidate !== undefined);
      const lost = lostSamples({ owner: name, settled, finished: candidates.length, context });
      const stoppedBy = firstStop(
        lost ?? "complete",
        ...traces.map((trace) => trace.stoppedBy),
        shortfall ?? "complete",
      );
      requireSomething(candidates.length, stoppedBy);
      const result = select(candidates, context);
      return { answer: result.answer, best: result.best, candidates, votes: result.tally, stoppedBy };
    },
  };
}

/** `force@T` and `force@NxT` in the strategy catalog. */
export const budgetForcingEntry: StrategyEntry = {
  forms: ["force@T", "force@NxT"],
  kind: "sampling",
  summary:
    "budget forcing (s1): at most T thinking tokens, then the answer cue and a greedy answer; N traces vote",
  needs: ["prefix"],
  replay: {
    liveOnly:
      "force@T (budget forcing) ends or extends a trace's thinking while it is generated, which needs live generation",
  },
  counterpart: ({ N }) => `sc@${N ?? 1}`,
  create: ({ N, T }) => budgetForcing({ n: N ?? 1, maxThinkingTokens: T! }),
};

/** `extend@MwE` in the strategy catalog. */
export const extendThinkingEntry: StrategyEntry = {
  forms: ["extend@MwE"],
  kind: "sampling",
  summary:
    'budget forcing\'s other half: a trace that ends before M tokens gets the continue cue ("Wait") and thinks on, at most E times',
  needs: ["prefix"],
  replay: {
    liveOnly:
      "extend@MwE (budget forcing) makes a trace think on while it is generated, which needs live generation",
  },
  create: ({ M, E }) => budgetForcing({ minThinkingTokens: M!, maxWaits: E! }),
};
