import type { OutcomeScorer, ProcessRewardModel, Strategy } from "../../spec/index.ts";
import { worstCaseTokens } from "../../strategies/index.ts";
import { ApiError } from "../http/index.ts";
import type { ServedModel } from "../upstreams/index.ts";

/**
 * A prompt's tokens as a refusal states them: `about 75 tokens` when estimated from its characters,
 * `307 tokens, counted by the model's tokenizer` when its backend counted them.
 */
export function promptTokensPhrase(promptTokens: number, counted: boolean): string {
  return counted
    ? `${promptTokens} tokens, counted by the model's tokenizer`
    : `about ${promptTokens} tokens`;
}

/** The field a request bounds its completions with, as the client wrote it: refusals name it. */
export type MaxTokensField = "max_tokens" | "max_completion_tokens";

/**
 * Refuses (400 `context_length_exceeded`, both numbers in the message) a request whose prompt (estimated,
 * or `counted` by the model's tokenizer) plus `max_tokens` is over the model's context window, when the
 * window is known, naming `max_tokens` by the field the client gave it in (`maxTokensField`).
 *
 * @throws ApiError on `messages`.
 */
export function checkContextWindow(
  served: ServedModel,
  promptTokens: number,
  maxTokens: number,
  counted = false,
  maxTokensField: MaxTokensField = "max_tokens",
): void {
  if (served.contextWindow === undefined || promptTokens + maxTokens <= served.contextWindow) return;
  throw new ApiError(
    400,
    `the prompt (${promptTokensPhrase(promptTokens, counted)}) plus ${maxTokensField} (${maxTokens}) is ${promptTokens + maxTokens} tokens, over the context window of ${served.contextWindow} tokens of model ${served.name}`,
    { param: "messages", code: "context_length_exceeded" },
  );
}

/** What {@link checkRequestTokens} weighs. */
export interface RequestTokens {
  /** The planned strategy, or `undefined` for a plain request of `n` choices. */
  readonly strategy: Strategy | undefined;
  /**
   * The outcome scorer the strategy scores its samples with (its catalog entry needs a scorer: `bon@N`,
   * `wv@N`, `accept@N`, …), each at most once; absent for a strategy that scores nothing.
   */
  readonly scorer?: OutcomeScorer | undefined;
  /**
   * The process reward model a step-level search judges its steps with (its catalog entry needs a PRM:
   * `pf@N`, `beam@NxM`, `mcts@S`, …, or an architecture's `test` or `rank-prm@K` layer), each step it may
   * have judged (`Strategy.judgedSteps`) at most once.
   */
  readonly prm?: ProcessRewardModel | undefined;
  /** The strategy's samples (its N, or `n`). */
  readonly samples: number;
  /** The request's `n` (choices of a plain request). */
  readonly n: number;
  /** The prompt's tokens: estimated from its characters, or counted when `promptTokensCounted`. */
  readonly estimatedPromptTokens: number;
  /** True when the model's tokenizer counted `estimatedPromptTokens`. */
  readonly promptTokensCounted?: boolean | undefined;
  /**
   * Characters per token the model's text is estimated at (`models[].charactersPerToken`, else
   * `limits.charactersPerToken`): a judge's template is reckoned at it.
   */
  readonly charactersPerToken?: number | undefined;
  readonly maxTokens: number;
  /** The field the client gave `maxTokens` in, which the refusal names (default `max_tokens`). */
  readonly maxTokensField?: MaxTokensField | undefined;
  readonly served: ServedModel;
  /** `limits.maxRequestTokens`. */
  readonly maxRequestTokens: number;
  /** The client's `mull.budget.max_total_tokens`, which bounds the run where it is lower. */
  readonly clientMaxTotalTokens: number | undefined;
  /** The request field the refusal names. */
  readonly param: string;
}

/** The most tokens a request may use, as checked and reserved, and how they were reckoned. */
export interface RequestTokenLimit {
  /** Its worst case, or the client's `mull.budget.max_total_tokens` if lower. */
  readonly tokens: number;
  /**
   * How `tokens` was reckoned, in words, for a refusal to state: `4 samples × (about 16 prompt + 48
   * max_tokens) + 4 judge calls × 700 tokens (…)`, or the client's budget.
   */
  readonly reckoning: string;
}

/**
 * Refuses (400 `budget_exceeded`) a request whose worst case is over the server's per-request token cap:
 * samples × (prompt + `max_tokens`), or the strategy's own `worstCaseTokens` where its calls re-read what
 * its traces wrote (`extend@MwE`, `probe@NkK`, a cascade, an architecture's `critique` and `fuse`); plus,
 * for a strategy that scores its samples with the model's outcome scorer, one scorer call's worst case
 * (`OutcomeScorer.worstCaseTokens`: an LLM judge's prompt and reply) per sample; plus, for a step-level
 * search or an architecture's `test` or `rank-prm@K` layer, its process reward model's worst case for one
 * step (`ProcessRewardModel.worstCaseTokens`: a step judge's prompt, with the path up to the step, and
 * reply) for each step it may have judged (`Strategy.judgedSteps`). A client budget below the cap lets it
 * run, bounded at run time.
 *
 * @returns the tokens the request may use at most (its worst case, or the client's budget if lower) and
 * how they were reckoned.
 * @throws ApiError naming `param`, the worst case, how it was reckoned and the cap.
 */
export function checkRequestTokens(request: RequestTokens): RequestTokenLimit {
  const { strategy, scorer, prm, samples, estimatedPromptTokens, maxTokens, maxRequestTokens } = request;
  const cost = {
    promptTokens: estimatedPromptTokens,
    maxTokens,
    thinkingCues: request.served.profile.thinkingCues,
    charactersPerToken: request.charactersPerToken,
  };
  const steps = strategy?.judgedSteps?.(cost);
  const perStep = steps === undefined ? undefined : prm?.worstCaseTokens?.(steps.each);
  const stepJudging = steps === undefined || perStep === undefined ? 0 : steps.steps * Math.ceil(perStep);
  const worstCase =
    Math.ceil(
      strategy === undefined
        ? request.n * (estimatedPromptTokens + maxTokens)
        : worstCaseTokens(strategy, cost, scorer),
    ) + stepJudging;
  const about = request.promptTokensCounted === true ? "" : "about ";
  const field = request.maxTokensField ?? "max_tokens";
  const generation =
    strategy?.worstCaseTokens === undefined
      ? `${samples} samples × (${about}${estimatedPromptTokens} prompt + ${maxTokens} ${field})`
      : `the worst case of strategy ${strategy.name}, whose calls re-read what it wrote, for ${about}${estimatedPromptTokens} prompt tokens and ${field} ${maxTokens}`;
  const judged = strategy === undefined ? undefined : scorer?.worstCaseTokens?.(cost);
  const judging =
    strategy === undefined || judged === undefined
      ? generation
      : `${generation} + ${strategy.samples} judge calls × ${Math.ceil(judged)} tokens (scorer ${scorer?.name} reads the question and a sample, and writes its verdict)`;
  const reckoning =
    steps === undefined || perStep === undefined
      ? judging
      : `${judging} + ${steps.steps} steps judged × ${Math.ceil(perStep)} tokens (process reward model ${prm?.name} reads the question and a path of up to ${steps.each.pathSteps} steps and ${steps.each.pathTokens} tokens, and writes its verdict)`;
  const bounded = Math.min(worstCase, request.clientMaxTotalTokens ?? worstCase);
  if (bounded <= maxRequestTokens) {
    return {
      tokens: bounded,
      reckoning: bounded < worstCase ? "the request's mull.budget.max_total_tokens" : reckoning,
    };
  }
  throw new ApiError(
    400,
    `this request may use up to ${worstCase} tokens (${reckoning}), over the server's per-request cap of ${maxRequestTokens} tokens (limits.maxRequestTokens); lower n, the strategy's N or ${field}, or set mull.budget.max_total_tokens`,
    { param: request.param, code: "budget_exceeded" },
  );
}
