import { addUsage, budgetShortfall, emptyUsage } from "../budget/index.ts";
import { BackendCallError } from "../errors/index.ts";
import type {
  Candidate,
  GenerationRequest,
  Problem,
  Prompt,
  SamplingSettings,
  StopReason,
  StrategyContext,
  Usage,
} from "../spec/index.ts";

/** Options of `sampleCandidates`. */
export interface SampleCandidatesOptions {
  readonly problem: Problem;
  /** Completions wanted. */
  readonly n: number;
  readonly context: StrategyContext;
  /** Overrides of `context.sampling` (e.g. `{ temperature: 0 }`). */
  readonly sampling?: SamplingSettings | undefined;
  /** Ask for per-token log-probabilities. */
  readonly logprobs?: boolean | undefined;
  /** Ask for this many top alternatives per position. */
  readonly topLogprobs?: number | undefined;
  /** Trace node the generations hang under; default `context.parentId`. */
  readonly parentId?: string | undefined;
  /** The prompt; default `problem.prompt`, else `context.promptTemplate(problem)`. */
  readonly prompt?: Prompt | undefined;
}

/** What `sampleCandidates` produced and why it stopped. */
export interface SampleResult {
  /** The candidates, in the order the backend returned them. */
  readonly candidates: readonly Candidate[];
  /** `complete` when all `n` were produced; otherwise the limit that stopped it (`tokens`, `abort`, …). */
  readonly stoppedBy: StopReason;
  /** Usage of the calls made. */
  readonly usage: Usage;
}

function mergeSampling(base: SamplingSettings, overrides: SamplingSettings | undefined): SamplingSettings {
  if (overrides === undefined) return base;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) merged[key] = value;
  return merged as SamplingSettings;
}

function promptCharacters(prompt: Prompt): number {
  return prompt.kind === "text"
    ? prompt.text.length
    : prompt.messages.reduce((sum, message) => sum + message.content.length, 0);
}

/**
 * Samples up to `n` complete solutions with as few backend calls as the budget allows (one call when it
 * affords all `n`; a backend without native `n` fans out by itself), and turns them into candidates:
 * answers extracted with `context.answerFormat`, sum and mean log-probabilities when tokens came back,
 * one `generation` trace event per completion (the call's usage on the first).
 *
 * It never starts a call the budget cannot afford: calls are sized from the limits and from the tokens
 * seen so far (before any are seen, from `maxTokens`, or else one completion is sampled first to
 * measure). When the budget, the deadline or the caller's signal cuts it short it returns what it has,
 * with the reason in `stoppedBy`. Each call passes a seed drawn from `context.rng`.
 *
 * @example
 * const { candidates, stoppedBy } = await sampleCandidates({ problem, n: 8, context });
 */
export async function sampleCandidates(options: SampleCandidatesOptions): Promise<SampleResult> {
  const { problem, n, context } = options;
  const { backend, budget, tracer, answerFormat } = context;
  const parentId = options.parentId ?? context.parentId;
  const prompt = options.prompt ?? problem.prompt ?? context.promptTemplate(problem);
  const sampling = mergeSampling(context.sampling, options.sampling);
  const capabilities = await backend.capabilities({ signal: context.signal });
  const candidates: Candidate[] = [];
  let usage: Usage = emptyUsage;
  // Token estimates for sizing the next call, from what previous calls reported.
  let observedCompletions = 0;
  let observedCompletionTokens = 0;
  let observedCalls = 0;
  let observedPromptTokens = 0;
  let callsMade = 0;
  const roughPromptTokens = Math.ceil(promptCharacters(prompt) / 4);
  const tokenLimited =
    budget.limits.maxTotalTokens !== undefined || budget.limits.maxCompletionTokens !== undefined;

  const plan = (batch: number, completionTokensEach: number | undefined) => {
    const calls = capabilities.n ? 1 : batch;
    const promptEach = observedCalls > 0 ? observedPromptTokens / observedCalls : roughPromptTokens;
    return { calls, completions: batch, promptTokens: calls * promptEach, completionTokensEach };
  };

  while (candidates.length < n) {
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

    const request: GenerationRequest = {
      prompt,
      n: batch,
      temperature: sampling.temperature,
      topP: sampling.topP,
      topK: sampling.topK,
      minP: sampling.minP,
      maxTokens: sampling.maxTokens,
      stop: sampling.stop,
      seed: context.rng.nextSeed(),
      ...(options.logprobs === true || options.topLogprobs !== undefined ? { logprobs: true } : {}),
      ...(options.topLogprobs === undefined ? {} : { topLogprobs: options.topLogprobs }),
    };
    let result: Awaited<ReturnType<typeof backend.generate>>;
    try {
      result = await backend.generate(request, { signal: context.signal });
    } catch (error) {
      if (!context.signal.aborted) throw error;
      // An aborted call's usage is unknown to us and is not charged.
      return { candidates, stoppedBy: budgetShortfall(budget, {}) ?? "abort", usage };
    }
    callsMade += 1;
    if (tokenLimited && callsMade === 1 && result.usage.completionTokens === undefined) {
      tracer.record({
        type: "note",
        parentId,
        message: `${backend.describe().kind} backend does not report token counts: token limits cannot be enforced`,
      });
    }
    budget.charge(result.usage);
    usage = addUsage(usage, result.usage);
    observedCalls += result.usage.calls;
    observedPromptTokens += result.usage.promptTokens ?? 0;
    result.completions.forEach((completion, position) => {
      const tokens = completion.tokens;
      const logprob =
        tokens !== undefined && tokens.length > 0
          ? tokens.reduce((sum, token) => sum + token.logprob, 0)
          : undefined;
      const meanLogprob = logprob === undefined || tokens === undefined ? undefined : logprob / tokens.length;
      const answer = answerFormat.extract(completion.text);
      const completionTokens = completion.completionTokens ?? tokens?.length;
      if (completionTokens !== undefined) {
        observedCompletions += 1;
        observedCompletionTokens += completionTokens;
      }
      const id = tracer.record({
        type: "generation",
        parentId,
        text: completion.text,
        finishReason: completion.finishReason,
        completionTokens: completion.completionTokens,
        logprob,
        meanLogprob,
        answer,
        model: result.model,
        ...(position === 0 ? { usage: result.usage } : {}),
      });
      candidates.push({
        id,
        text: completion.text,
        answer,
        finishReason: completion.finishReason,
        completionTokens: completion.completionTokens,
        logprob,
        meanLogprob,
        scores: [],
        model: result.model,
      });
    });
    if (result.completions.length === 0) {
      throw new BackendCallError(`${backend.describe().kind} backend returned no completions for n=${batch}`);
    }
  }
  return { candidates, stoppedBy: "complete", usage };
}
