import { z } from "zod";
import {
  addUsage,
  budgetShortfall,
  type CompletionTokenCap,
  emptyUsage,
  limitsTokens,
} from "../budget/index.ts";
import { expecting, integerSchema, objectWithMethods, parseOptions } from "../runtime/index.ts";
import type {
  Backend,
  Candidate,
  Problem,
  Prompt,
  Score,
  TokenLogprob,
  TokenVerdict,
  TokenWatcher,
  Usage,
} from "../spec/index.ts";
import { capabilitiesOrStop } from "./capabilities-or-stop.ts";
import { generateRecorded, type RecordedOutcome } from "./generate-recorded.ts";
import { mergeSampling } from "./merge-sampling.ts";
import { promptCharges } from "./prompt-charges.ts";
import { promptTokens } from "./prompt-tokens.ts";
import type { RecordedCallOptions } from "./recorded-call-options.ts";
import { problemArgument, strategyContextArgument } from "./run-arguments.ts";
import { samplingSettingsOption } from "./sampling-settings-option.ts";

/** Options of `sampleCandidates`. */
export interface SampleCandidatesOptions extends RecordedCallOptions {
  /** The problem to solve; its prompt (or the context's template of it) is sent unless `prompt` is given. */
  readonly problem: Problem;
  /** Completions wanted. */
  readonly n: number;
  /** Ask for this many top alternatives per position. */
  readonly topLogprobs?: number | undefined;
  /** The prompt; default `problem.prompt`, else `context.promptTemplate(problem)`. */
  readonly prompt?: Prompt | undefined;
  /**
   * Scores a completion from its tokens as it is sampled, for a score that needs per-token data a
   * candidate does not keep (top log-probabilities); the score, if any, is the candidate's first, and is
   * recorded as a `score` event under the completion's `generation` event (nothing is charged: it is
   * computed from tokens already paid for). A score whose value is not a finite number (a placeholder the
   * caller replaces later) is kept on the candidate but not recorded.
   */
  readonly scoreTokens?: ((tokens: readonly TokenLogprob[]) => Score | undefined) | undefined;
  /**
   * Makes a fresh watcher for each completion, called with its tokens as they are generated: `stop` cuts
   * that completion there (finish reason `cut`; the backend needs `watchTokens`). A cut candidate counts the
   * tokens generated up to the cut, and is scored by `scoreTokens` from those tokens like the others.
   */
  readonly watchCompletion?: (() => (token: TokenLogprob) => TokenVerdict) | undefined;
  /**
   * With `watchCompletion`: aborting it cuts the completions in flight at once, through their requests'
   * abort signals (`generateRecorded`'s `cut`): each comes back cut with the tokens generated up to then
   * (none, if its request was still queued), and no further call is made. Only single-completion calls
   * are cut so: a call of several completions (one request with native `n`) is cut by `watchCompletion`
   * at its next tokens, as without `cut`.
   */
  readonly cut?: AbortSignal | undefined;
  /**
   * This sampling's share of the tokens left, where the caller shares them among samplings it runs at once
   * (`completionTokenCap` over all of them): no completion asks more, and one that runs into it was cut by
   * the budget (`generateRecorded`'s `budgetShare`). Default none.
   */
  readonly budgetShare?: CompletionTokenCap | undefined;
}

const functionOption = (expected: string) =>
  z.custom<(...parameters: never[]) => unknown>((value) => typeof value === "function", {
    error: expecting(expected),
  });

/**
 * The options of `sampleCandidates`, checked on every call (a strategy calls it each round, so the check is
 * one strict parse): an unknown key is a typo (`temperature` belongs in `sampling`).
 */
const sampleCandidatesOptions = z.strictObject({
  problem: problemArgument,
  n: integerSchema({ minimum: 1 }),
  context: strategyContextArgument.extend({
    backend: objectWithMethods<Backend>({
      expected: "a backend",
      noun: "backend",
      methods: ["describe", "capabilities", "generate"],
    }),
  }),
  sampling: samplingSettingsOption.optional(),
  logprobs: z.boolean({ error: expecting("a boolean") }).optional(),
  parentId: z.string({ error: expecting("a trace event id (a string)") }).optional(),
  topLogprobs: integerSchema({ minimum: 0 }).optional(),
  prompt: z
    .custom<Prompt>(
      (value) =>
        typeof value === "object" &&
        value !== null &&
        ["text", "chat"].includes((value as { kind?: unknown }).kind as string),
      { error: expecting('a prompt ({ kind: "text", text } or { kind: "chat", messages })') },
    )
    .optional(),
  scoreTokens: functionOption("a function of a completion's tokens").optional(),
  watchCompletion: functionOption("a function that makes a token watcher").optional(),
  cut: z.instanceof(AbortSignal, { error: expecting("an AbortSignal") }).optional(),
  budgetShare: z
    .strictObject(
      {
        tokens: integerSchema({ minimum: 1 }),
        limit: z.enum(["tokens", "completion-tokens", "cost"], {
          error: expecting('"tokens", "completion-tokens" or "cost"'),
        }),
      },
      { error: expecting("a token cap { tokens, limit }") },
    )
    .optional(),
} satisfies Record<keyof SampleCandidatesOptions, unknown>);

/** One call's watcher: a fresh completion watcher for each completion index, made on its first token. */
function callWatcher(make: () => (token: TokenLogprob) => TokenVerdict): TokenWatcher {
  const watchers = new Map<number, (token: TokenLogprob) => TokenVerdict>();
  return (index, token) => {
    let watcher = watchers.get(index);
    if (watcher === undefined) {
      watcher = make();
      watchers.set(index, watcher);
    }
    return watcher(token);
  };
}

/** What `sampleCandidates` produced and why it stopped: `complete` when all `n` were produced. */
export interface SampleResult extends RecordedOutcome {
  /** The candidates, in the order the backend returned them. */
  readonly candidates: readonly Candidate[];
}

/**
 * Samples up to `n` complete solutions with as few backend calls as the budget allows (one call when it
 * affords all `n`; a backend without native `n` fans out by itself), and turns them into candidates:
 * answers extracted with `context.answerFormat`, sum and mean log-probabilities when tokens came back,
 * one `generation` trace event per completion (the call's usage on the first), and under it a `score`
 * event for the score `scoreTokens` gave it.
 *
 * It never starts a call the budget cannot afford: calls are sized from the limits and from the tokens
 * seen so far (before any are seen, from `maxTokens`, or else one completion is sampled first to
 * measure; the prompt from `promptTokens`: counted by a backend that can count, else estimated from its
 * characters, which may undercount it on the first call; and charged once per request, or once per
 * completion on a backend that charges it so, `promptPerCompletion`). A budget whose tokens left do not
 * hold the prompt and one generated token makes no call: it returns no candidates, stopped by `tokens`.
 * When the budget, the deadline or the caller's signal cuts it short it returns what it has, with the
 * reason in `stoppedBy`: a cut while the backend's capabilities were asked too (`capabilitiesOrStop`, a
 * first call's probe), which returns no candidates. A completion the budget cut mid-way (it ran into the `maxTokens` the budget
 * lowered, see `generateRecorded`) is no candidate: it is charged and recorded, and the sampling stops by
 * that limit. A call cut after it was sent (by `cut` or the run's abort) whose prompt the backend could not
 * tell is charged the prompt as the backend counted it, where it could (`generateRecorded`'s
 * `countedPromptTokens`).
 * Each call passes a seed drawn from `context.rng`.
 *
 * @throws ConfigError for options it cannot use, naming the field: an unknown key (`temperature` belongs in
 * `sampling`), an `n` that is not an integer ≥ 1, a missing `problem` or `context`.
 * @example
 * const { candidates, stoppedBy } = await sampleCandidates({ problem, n: 8, context });
 */
export async function sampleCandidates(options: SampleCandidatesOptions): Promise<SampleResult> {
  parseOptions(sampleCandidatesOptions, options, "sampleCandidates");
  const { problem, n, context } = options;
  const { budget } = context;
  const prompt = options.prompt ?? problem.prompt ?? context.promptTemplate(problem);
  const sampling = mergeSampling(context.sampling, options.sampling);
  const candidates: Candidate[] = [];
  let usage: Usage = emptyUsage;
  const asked = await capabilitiesOrStop(context);
  if (asked.stoppedBy !== undefined) return { candidates, stoppedBy: asked.stoppedBy, usage };
  const { capabilities } = asked;
  // Token estimates for sizing the next call, from what previous calls reported.
  let observedCompletions = 0;
  let observedCompletionTokens = 0;
  // Prompt tokens reported, and how many times those calls charged the prompt (`promptCharges`).
  let observedPromptCharges = 0;
  let observedPromptTokens = 0;
  let callsMade = 0;
  // Counted once, before the first call is sized (exact where the backend can count, else estimated);
  // after it, the prompt tokens calls reported.
  const first = await promptTokens(context, prompt);
  const firstPromptTokens = first.tokens;
  const tokenLimited = limitsTokens(budget);

  // A backend that charges the prompt once per completion (`promptPerCompletion`) charges a call of
  // `batch` completions `batch` prompts, even in one request.
  const plan = (batch: number, completionTokensEach: number | undefined) => {
    const calls = capabilities.n ? 1 : batch;
    const promptEach =
      observedPromptCharges > 0 ? observedPromptTokens / observedPromptCharges : firstPromptTokens;
    return {
      calls,
      completions: batch,
      promptTokens: promptCharges(capabilities, batch) * promptEach,
      completionTokensEach,
    };
  };

  while (candidates.length < n && options.cut?.aborted !== true) {
    const wanted = n - candidates.length;
    let estimate: number | undefined =
      observedCompletions > 0 ? observedCompletionTokens / observedCompletions : sampling.maxTokens;
    let batch = wanted;
    let shortfall = budgetShortfall(budget, plan(batch, estimate));
    if (tokenLimited && callsMade === 0 && (estimate === undefined || shortfall !== undefined)) {
      // Under a token limit with nothing measured yet (and `maxTokens` unknown or too pessimistic to
      // fit): sample one completion first to learn what a completion costs.
      estimate = undefined;
      batch = 1;
      shortfall = budgetShortfall(budget, plan(batch, estimate));
    }
    while (shortfall !== undefined && batch > 1) {
      batch -= 1;
      shortfall = budgetShortfall(budget, plan(batch, estimate));
    }
    if (shortfall !== undefined) return { candidates, stoppedBy: shortfall, usage };

    const call = await generateRecorded({
      context,
      prompt,
      n: batch,
      sampling: options.sampling,
      logprobs: options.logprobs,
      topLogprobs: options.topLogprobs,
      parentId: options.parentId,
      plan: plan(batch, estimate),
      extractAnswers: true,
      noteUnreportedTokens: callsMade === 0,
      ...(options.watchCompletion === undefined ? {} : { watch: callWatcher(options.watchCompletion) }),
      // A call of several completions (one request with native `n`, or a fan-out that would lose the
      // siblings that had finished) is cut at its next tokens by the watcher instead.
      ...(options.cut === undefined || batch > 1 ? {} : { cut: options.cut }),
      ...(options.budgetShare === undefined ? {} : { budgetShare: options.budgetShare }),
      // A call cut after it was sent is charged the prompt as the backend counted it, where it did: what
      // each of its requests (of `batch` completions with native `n`, else of one) charges.
      ...(first.counted
        ? { countedPromptTokens: promptCharges(capabilities, capabilities.n ? batch : 1, 1) * first.tokens }
        : {}),
    });
    // A call cut short is charged what it did, and its completions that had finished still count.
    usage = addUsage(usage, call.usage);
    callsMade += 1;
    // A call that reported no prompt count (one cut by a watcher, on some backends) says nothing of it.
    if (call.usage.promptTokens !== undefined) {
      observedPromptCharges += promptCharges(capabilities, call.returned, call.usage.calls);
      observedPromptTokens += call.usage.promptTokens;
    }
    for (const completion of call.completions) {
      if (completion.tokenCount !== undefined) {
        observedCompletions += 1;
        observedCompletionTokens += completion.tokenCount;
      }
      const score = completion.tokens === undefined ? undefined : options.scoreTokens?.(completion.tokens);
      // A score that is no number yet (a placeholder its caller settles later) is left out of the trace.
      if (score !== undefined && Number.isFinite(score.value)) {
        const { scorer, value, steps, detail } = score;
        context.tracer.record({ type: "score", parentId: completion.id, scorer, value, steps, detail });
      }
      candidates.push({
        id: completion.id,
        text: completion.text,
        answer: completion.answer,
        finishReason: completion.finishReason,
        completionTokens: completion.completionTokens,
        logprob: completion.logprob,
        meanLogprob: completion.meanLogprob,
        scores: score === undefined ? [] : [score],
        model: completion.model,
        ...(completion.toolCalls === undefined ? {} : { toolCalls: completion.toolCalls }),
        ...(completion.reasoning === undefined ? {} : { reasoning: completion.reasoning }),
        ...(completion.stopSequence === undefined ? {} : { stopSequence: completion.stopSequence }),
      });
    }
    if (call.stoppedBy !== "complete") return { candidates, stoppedBy: call.stoppedBy, usage };
  }
  return { candidates, stoppedBy: "complete", usage };
}
