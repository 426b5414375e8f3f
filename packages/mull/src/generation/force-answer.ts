import type { FinishReason, Prompt } from "../spec/index.ts";
import { continueSolution } from "./continue-solution.ts";
import type { RecordedOutcome } from "./generate-recorded.ts";
import type { RecordedCallOptions } from "./recorded-call-options.ts";
import { withCue } from "./with-cue.ts";

/** Options of `forceAnswer`. */
export interface ForceAnswerOptions extends RecordedCallOptions {
  /** The problem's prompt. */
  readonly prompt: Prompt;
  /** The partial solution to answer from. */
  readonly written: string;
  /** The answer cue appended to it (see `ThinkingCues.answerCue`). */
  readonly cue: string;
  /** Most tokens of the answer. */
  readonly maxTokens: number;
  /** Seed of the call; default one drawn from `context.rng`. */
  readonly seed?: number | undefined;
  /** Names the strategy in the `CapabilityError` when the backend cannot continue the prompt. */
  readonly requiredBy: string;
}

/** The answer a model gave when made to answer a partial solution. */
export interface ForcedAnswer {
  /** Trace id of its `generation` event. */
  readonly id: string;
  /** What the model wrote after the cue. */
  readonly text: string;
  /** The answer read from the cue plus `text` with the run's answer format; `undefined` when none. */
  readonly answer: string | undefined;
  /** The partial solution, the cue and the answer text: `withCue(written, cue) + text`. */
  readonly solution: string;
  /** Why the answer call stopped; `length` when it ran out of `maxTokens` before ending on its own. */
  readonly finishReason: FinishReason;
  /** Tokens the answer took, when reported. */
  readonly tokenCount: number | undefined;
  /** The model that wrote the answer, as the backend names it. */
  readonly model: string;
  /** Reasoning the call sent apart from its text (`Completion.reasoning`), when it sent any. */
  readonly reasoning?: string | undefined;
}

/** What `forceAnswer` produced and why it stopped. */
export interface ForceAnswerResult extends RecordedOutcome {
  /** The answer; `undefined` when the budget, the deadline or an abort prevented or cut the call. */
  readonly forced: ForcedAnswer | undefined;
}

/**
 * Makes the model answer now: appends the answer cue to the partial solution (`withCue`), continues it
 * for at most `maxTokens` tokens at temperature 0 (unless `sampling` says otherwise) and reads the answer
 * from the cue plus what the model wrote, with the run's answer format. Budget forcing uses it once a
 * trace has used its thinking tokens, live probing after every chunk, both through `answerCutSolution`
 * where the trace may have begun its answer line. The call is `continueSolution`'s (sized against the
 * budget, charged, recorded under `parentId` with its answer).
 *
 * @throws CapabilityError when the backend cannot continue this kind of prompt.
 * @example
 * const { forced } = await forceAnswer({
 *   context, prompt, written: "\n61+84=145\n145+4", cue: "\n#### ", maxTokens: 8, requiredBy: "force@16",
 * });
 * forced?.answer; // e.g. "194"
 */
export async function forceAnswer(options: ForceAnswerOptions): Promise<ForceAnswerResult> {
  const { piece, stoppedBy, usage } = await continueSolution({
    ...options,
    written: withCue(options.written, options.cue),
    sampling: { ...options.sampling, temperature: options.sampling?.temperature ?? 0 },
    answerPrefix: options.cue,
  });
  const forced =
    piece === undefined
      ? undefined
      : {
          id: piece.id,
          text: piece.text,
          answer: piece.answer,
          solution: piece.written,
          finishReason: piece.finishReason,
          tokenCount: piece.tokenCount,
          model: piece.model,
          ...(piece.reasoning === undefined ? {} : { reasoning: piece.reasoning }),
        };
  return { forced, stoppedBy, usage };
}
