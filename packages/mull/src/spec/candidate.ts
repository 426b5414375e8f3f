import type { FinishReason, ToolCall } from "./generation.ts";
import type { Score } from "./score.ts";

/** One complete answer attempt produced by a strategy. Strategies keep every candidate for reports. */
export interface Candidate {
  /** Trace node id of the generation that produced it. */
  readonly id: string;
  /** The full solution text. */
  readonly text: string;
  /** Extracted final answer, or `undefined` when none could be extracted. */
  readonly answer: string | undefined;
  /** Why the generation that wrote its end ended (`length`: cut at `maxTokens`, perhaps before an answer). */
  readonly finishReason: FinishReason;
  /** Generated tokens; `undefined` when the backend did not report them. */
  readonly completionTokens: number | undefined;
  /** Sum of token log-probabilities, when known. */
  readonly logprob?: number | undefined;
  /** Mean token log-probability, when known. */
  readonly meanLogprob?: number | undefined;
  /** Scores given by scorers, in the order they were given. */
  readonly scores: readonly Score[];
  /** Reasoning steps, for step-level strategies. */
  readonly steps?: readonly string[] | undefined;
  /** The model that wrote it, when a strategy uses several. */
  readonly model?: string | undefined;
  /**
   * Tokens written before an answer was asked for (budget forcing's thinking: all of a trace's tokens
   * when it ended on its own), when a strategy counts them.
   */
  readonly thinkingTokens?: number | undefined;
  /** The function calls it ended in, when its completion ended in calls (its `answer` then names them). */
  readonly toolCalls?: readonly ToolCall[] | undefined;
  /** Reasoning its completion carried apart from its text (`Completion.reasoning`); never voted on. */
  readonly reasoning?: string | undefined;
  /** The stop string that ended its completion, when the backend said (`Completion.stopSequence`). */
  readonly stopSequence?: string | undefined;
}
