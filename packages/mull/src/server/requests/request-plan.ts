import type {
  AnswerFormat,
  BudgetLimits,
  Problem,
  Prompt,
  PromptTemplate,
  Strategy,
} from "../../spec/index.ts";
import type { ServedModel } from "../upstreams/index.ts";
import type { ReasoningBudget } from "./reasoning-budget.ts";

/** The two generation endpoints. */
export type EndpointKind = "chat" | "completions";

/** Everything decided about a request before any upstream call. */
export interface RequestPlan {
  readonly endpoint: EndpointKind;
  /** The model as the client named it (echoed in responses). */
  readonly requestedModel: string;
  readonly served: ServedModel;
  /** The problem a strategy solves (its prompt set unless a template renders it). */
  readonly problem: Problem;
  /** The prompt of a pass-through request. */
  readonly prompt: Prompt;
  /** Renders `problem` when it has no prompt (the lab's `Q: … A:` format). */
  readonly promptTemplate: PromptTemplate | undefined;
  /** The strategy, or `undefined` to pass the request through. */
  readonly strategy: Strategy | undefined;
  /** Upstream completions the request asks for: `n` when passed through, the strategy's N otherwise. */
  readonly samples: number;
  /** Choices returned to the client. */
  readonly choices: number;
  readonly temperature: number | undefined;
  readonly topP: number | undefined;
  readonly maxTokens: number;
  readonly stop: readonly string[] | undefined;
  readonly seed: number | undefined;
  /** Per-token log-probabilities to return (pass-through only). */
  readonly logprobs: boolean;
  readonly topLogprobs: number | undefined;
  /** Fields forwarded as they are (penalties, tools, unknown fields, a thinking budget's field). */
  readonly extraBody: Readonly<Record<string, unknown>> | undefined;
  readonly stream: boolean;
  readonly includeUsage: boolean;
  readonly budget: BudgetLimits;
  readonly answerFormat: AnswerFormat;
  /**
   * Prompt tokens reckoned before any call: estimated from the prompt's characters, or counted by the
   * served model's tokenizer when `promptTokensCounted`.
   */
  readonly estimatedPromptTokens: number;
  /** True when the served model's backend counted `estimatedPromptTokens` (`Backend.countTokens`). */
  readonly promptTokensCounted?: boolean | undefined;
  /**
   * The most tokens the request may use: samples × (prompt + `max_tokens`), or the strategy's own worst
   * case (`Strategy.worstCaseTokens`), plus its scorer's calls (an LLM judge's, one per sample) and a
   * search's step judge's calls (one per step it may have judged), or the client's budget if lower.
   */
  readonly worstCaseTokens: number;
  /**
   * How `worstCaseTokens` was reckoned, in words, for a refusal to state (`4 samples × (about 16 prompt +
   * 48 max_tokens) + 4 judge calls × 700 tokens (…)`).
   */
  readonly worstCaseReckoning?: string | undefined;
  /** The request's thinking budget and who keeps it, when it gave one. */
  readonly reasoningBudget?: ReasoningBudget | undefined;
  /** What the response's `mull.notes` says about how the request was planned (a budget not kept, and why). */
  readonly notes?: readonly string[] | undefined;
}
