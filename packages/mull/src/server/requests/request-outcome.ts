import type { TokenLogprob, ToolCall, Usage } from "../../spec/index.ts";
import type { SampleCounts } from "../upstreams/index.ts";

/** One choice of a response. */
export interface OutcomeChoice {
  readonly text: string;
  /** `tool_calls` when the choice ends in function calls. */
  readonly finishReason: "stop" | "length" | "tool_calls";
  /** The function calls the choice ends in, returned as OpenAI's `tool_calls`. */
  readonly toolCalls?: readonly ToolCall[] | undefined;
  /** Per-token log-probabilities, when asked for (pass-through only). */
  readonly tokens?: readonly TokenLogprob[] | undefined;
  /**
   * What the model reasoned apart from its answer: the upstream's `reasoning_content`, or (chat, under a
   * strategy) the `<think>` block split off the text, or the thinking mull cut at the request's reasoning
   * budget before it asked for the answer. Returned as `reasoning_content`, never voted on.
   */
  readonly reasoning?: string | undefined;
  /**
   * The stop string that ended the choice, when the upstream said which (`Completion.stopSequence`):
   * Anthropic's `stop_reason: "stop_sequence"`; OpenAI's shape keeps `finish_reason: "stop"`.
   */
  readonly stopSequence?: string | undefined;
}

/** What a strategy did, for the `mull` object of a response. */
export interface StrategyReport {
  readonly strategy: string;
  readonly answer: string | undefined;
  readonly candidates: number;
  readonly votes: Readonly<Record<string, number>> | undefined;
  readonly stoppedBy: string;
  readonly partial: boolean;
  readonly samples: SampleCounts | undefined;
  readonly scoreCalls: number;
  /** The run's seed: the client's, or a fresh one (send it back as `mull.seed` to repeat the run). */
  readonly seed: number;
  /**
   * The run's trace notes (a fallback taken, a scorer that could not choose, a limit that cannot be
   * enforced), first ones first, at most `maxNotes`.
   */
  readonly notes: readonly string[];
}

/** The result of serving a request. */
export interface RequestOutcome {
  readonly choices: readonly OutcomeChoice[];
  /** Usage over every upstream call of the request. */
  readonly usage: Usage;
  /**
   * Usage by served model, when more than one model generated (a routing strategy's route): what each wrote
   * and read (`SolveResult.usageByModel`).
   */
  readonly usageByModel?: Readonly<Record<string, Usage>> | undefined;
  /** Present when a strategy ran. */
  readonly report: StrategyReport | undefined;
  /**
   * Notes on how a request without a strategy was served (a thinking budget not kept, and why), for the
   * `mull` object; a strategy's are in `report.notes`.
   */
  readonly notes?: readonly string[] | undefined;
  /** The served model that answered, when it is not the one requested (a fallback). */
  readonly servedBy?: string | undefined;
  /**
   * Thinking tokens of every sample (included in `usage.completionTokens`): counted by mull when it kept
   * the request's reasoning budget, else as the upstream reported them (`usage.reasoningTokens`: vLLM and
   * llama.cpp keeping a budget, or any reasoning model that reports them).
   */
  readonly reasoningTokens?: number | undefined;
}
