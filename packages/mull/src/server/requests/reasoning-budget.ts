import { defaultThinkingCues } from "../../generation/index.ts";
import type { Strategy } from "../../spec/index.ts";
import { budgetForcing } from "../../strategies/index.ts";
import { ApiError } from "../http/index.ts";
import type { ServedModel } from "../upstreams/index.ts";

/** How a request's thinking budget is kept. */
export interface ReasoningBudget {
  /** The most thinking tokens of each sample. */
  readonly tokens: number;
  /** `upstream`: sent in the upstream's own field; `mull`: kept by budget forcing. */
  readonly by: "upstream" | "mull";
  /** The answer cue that ends the thinking (budget forcing's), where the answer is read from. */
  readonly answerCue: string;
}

/** What a thinking budget changes in a request's plan. */
export interface ReasoningBudgetPlan {
  /** The budget and who keeps it; absent when nobody can (`note` says why). */
  readonly reasoningBudget: ReasoningBudget | undefined;
  /** The strategy that serves the request: the one asked for, or budget forcing in its place. */
  readonly strategy: Strategy | undefined;
  /** Fields sent upstream: the budget in the upstream's own field, when it keeps it. */
  readonly extraBody: Readonly<Record<string, unknown>>;
  /** Why the budget is not kept, for the response's `mull.notes`, when it is not. */
  readonly note?: string | undefined;
}

/** Options of `planReasoningBudget`. */
export interface ReasoningBudgetOptions {
  /** The budget asked for: thinking tokens per sample. */
  readonly tokens: number;
  /** The field that named it, for errors (`mull.reasoning_budget`). */
  readonly param: string;
  readonly served: ServedModel;
  /** The strategy asked for, if any. */
  readonly strategy: Strategy | undefined;
  /** The request's `max_tokens`: thinking and answer together. */
  readonly maxTokens: number;
  /**
   * The field the client gave `maxTokens` in (`max_tokens`, or `max_completion_tokens`), for errors;
   * `undefined` when it gave none and `maxTokens` is the server's default.
   */
  readonly maxTokensParam?: "max_tokens" | "max_completion_tokens" | undefined;
  /** Choices asked for without a strategy (`n`). */
  readonly choices: number;
  /** Whether the request offers tools: budget forcing's traces cannot end in calls, so mull cannot keep it. */
  readonly tools: boolean;
  /** Fields of the request passed to the upstream as they are (its unknown fields that are not null). */
  readonly passedFields: readonly string[];
}

/**
 * The fields in which upstreams take a thinking budget in their own names: vLLM's `thinking_token_budget`,
 * llama-server's `reasoning_budget_tokens` and its alias `thinking_budget_tokens`.
 */
const upstreamBudgetFields: ReadonlySet<string> = new Set([
  "thinking_token_budget",
  "thinking_budget_tokens",
  "reasoning_budget_tokens",
]);

/** Self-consistency and a plain single sample: what budget forcing's traces voting by majority can stand for. */
const forceable = /^(sc@\d+|single)$/;

/**
 * Plans a per-request thinking budget. An upstream that takes one (`upstreams[].reasoningBudget`:
 * llama.cpp, vLLM) gets it in its own field, whatever the strategy. Otherwise mull keeps it by budget
 * forcing (s1): a request without a strategy (or `single`) is served as `force@T` (`n` traces), `sc@N` as
 * `force@NxT`, whose N traces vote by majority as self-consistency's samples do; each trace thinks for at
 * most T tokens, then gets the model's answer cue and answers in the `max_tokens` left. A request with
 * tools that mull would have to keep the budget for (Claude Code sends a thinking budget with its tools)
 * is served as asked, without the budget, and `note` says so: a forced trace cannot end in tool calls.
 *
 * @throws ApiError 400 naming the field when the request also sets the budget in an upstream's own field
 * (`thinking_token_budget`, …), whoever would keep it: two budgets, one of them passed on unread.
 * @throws ApiError 400 naming `param` when the budget is not below `max_tokens` (by the field the client
 * gave it in, `maxTokensParam`), or when mull must keep
 * it under a strategy other than `sc@N` (no other strategy's samples can be cut and answered in its place).
 * @example
 * planReasoningBudget({ tokens: 50, param: "mull.reasoning_budget", served, strategy: undefined, maxTokens: 256, choices: 1, tools: false, passedFields: [] });
 * // { strategy: force@50, reasoningBudget: { tokens: 50, by: "mull", answerCue: "\n\nFinal answer: " }, extraBody: {} }
 */
export function planReasoningBudget(options: ReasoningBudgetOptions): ReasoningBudgetPlan {
  const { tokens, param, served, strategy, maxTokens } = options;
  // Anthropic's thinking.budget_tokens arrives under this name too: the message says both.
  const named = `${param} (thinking.budget_tokens on /v1/messages)`;
  const field = served.reasoningBudgetField;
  const twice = options.passedFields.find((given) => given === field || upstreamBudgetFields.has(given));
  if (twice !== undefined) {
    throw new ApiError(
      400,
      `${twice} and ${named} both set the thinking budget of model ${served.name}; give it once`,
      { param: twice, code: "invalid_value" },
    );
  }
  if (tokens >= maxTokens) {
    const limit =
      options.maxTokensParam === undefined
        ? `max_tokens (${maxTokens}, the default where the request gives none)`
        : `${options.maxTokensParam} (${maxTokens})`;
    throw new ApiError(
      400,
      `${named} must be less than ${limit}, which bounds the thinking and the answer together; got ${tokens}`,
      { param, code: "invalid_value" },
    );
  }
  const answerCue = served.profile.thinkingCues?.answerCue ?? defaultThinkingCues.answerCue;
  if (field !== undefined) {
    return {
      reasoningBudget: { tokens, by: "upstream", answerCue },
      strategy,
      extraBody: { [field]: tokens },
    };
  }
  if (options.tools) {
    return {
      reasoningBudget: undefined,
      strategy,
      extraBody: {},
      note: `the thinking budget of ${tokens} tokens (${param}, or thinking.budget_tokens on /v1/messages) was not enforced: model ${served.name}'s upstream does not keep a thinking budget (upstreams[].reasoningBudget), and mull's budget forcing cannot end a trace in tool calls; the request was served without it`,
    };
  }
  if (strategy !== undefined && !forceable.test(strategy.name)) {
    throw new ApiError(
      400,
      `${named} under strategy ${strategy.name}: model ${served.name}'s upstream does not keep a thinking budget (upstreams[].reasoningBudget), and mull keeps one itself only for requests without a strategy and for sc@N`,
      { param, code: "unsupported_parameter" },
    );
  }
  const traces = strategy?.samples ?? options.choices;
  return {
    reasoningBudget: { tokens, by: "mull", answerCue },
    strategy: budgetForcing({ n: traces, maxThinkingTokens: tokens, answerTokens: maxTokens - tokens }),
    extraBody: {},
  };
}
