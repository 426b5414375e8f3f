import type { FinishReason, Prompt } from "../spec/index.ts";
import { continuationCapabilities, continuationPrompt } from "./continuation-prompt.ts";
import { generateRecorded, type RecordedOutcome } from "./generate-recorded.ts";
import { promptTokens } from "./prompt-tokens.ts";
import type { RecordedCallOptions } from "./recorded-call-options.ts";

/** Options of `continueSolution`. */
export interface ContinueSolutionOptions extends RecordedCallOptions {
  /** The problem's prompt. */
  readonly prompt: Prompt;
  /** The solution written so far, by earlier calls and cues (`""` to start it). */
  readonly written: string;
  /** Most tokens this call generates; default the run's `maxTokens` (as for any sample). */
  readonly maxTokens?: number | undefined;
  /**
   * Generated tokens the budget must leave room for after this call (the answer a forced solution still
   * needs); default 0. No call is made when the budget cannot afford the prompt, one token and these, and
   * the call's `maxTokens` is lowered so that they stay free (`GenerateRecordedOptions.reserveTokens`),
   * with the next call's reading of the prompt and this call's text again where the budget counts what is
   * read (`reserveRereads`): that next call continues the same solution.
   */
  readonly reserveTokens?: number | undefined;
  /** Seed of the call; default one drawn from `context.rng`. */
  readonly seed?: number | undefined;
  /**
   * The text before this call's that the answer is read from (with the new text appended); default the
   * whole solution, `written`. An answer cue reads only the cue and what follows it.
   */
  readonly answerPrefix?: string | undefined;
  /** Names the strategy in the `CapabilityError` when the backend cannot continue the prompt. */
  readonly requiredBy: string;
}

/** The piece a call added to a solution. */
export interface SolutionPiece {
  /** Trace id of its `generation` event. */
  readonly id: string;
  /** What this call wrote. */
  readonly text: string;
  /** The solution with this piece: `written + text`. */
  readonly written: string;
  /** Why the call ended: `length` when it wrote `maxTokens` (or reached the context's end). */
  readonly finishReason: FinishReason;
  /** Tokens this call generated, when reported. */
  readonly tokenCount: number | undefined;
  /**
   * The `maxTokens` the call was made with: `maxTokens`, or lower where the budget's token limits left less
   * after keeping `reserveTokens` free (a piece that wrote as many, finish reason `length`, ran into it);
   * `undefined` when none was asked.
   */
  readonly maxTokens: number | undefined;
  /**
   * The answer of the solution so far, read from `written + text` (or `answerPrefix + text`) with the run's
   * answer format.
   */
  readonly answer: string | undefined;
  /** The model that wrote it. */
  readonly model: string;
  /** Reasoning the call sent apart from its text (`Completion.reasoning`), when it sent any. */
  readonly reasoning?: string | undefined;
}

/** What `continueSolution` produced and why it stopped. */
export interface ContinueSolutionResult extends RecordedOutcome {
  /** The new piece; `undefined` when the budget, the deadline or an abort prevented or cut the call. */
  readonly piece: SolutionPiece | undefined;
}

/**
 * Writes up to `maxTokens` more tokens of a solution, where it stops (a text prompt with the solution
 * appended, or a final assistant message continued; see `continuationPrompt`), through `generateRecorded`,
 * so the call is sized against the budget (the prompt by `promptTokens`: counted where the backend can),
 * charged, and recorded as a `generation` event under `parentId` with the answer of the whole solution so
 * far. Like a first sample (`sampleCandidates`), the call is made when the budget affords its prompt and
 * a token (plus `reserveTokens`), its `maxTokens` lowered to what the budget's token limits leave; a piece
 * that runs into that lower cap was cut mid-way by the budget: it is charged and recorded, but no piece
 * comes back, and the call stops by that limit. With `reserveTokens`, `maxTokens` is lowered to what the
 * limits leave less those, so they stay free for what comes after: a piece that runs into that cap comes
 * back (finish reason `length`, its `maxTokens` the lowered one), as one that wrote all it asked would.
 * On the embedded backend the call reuses the key/value cache of the sequence that wrote the solution so
 * far: only the new tokens are evaluated.
 *
 * @throws CapabilityError when the backend cannot continue this kind of prompt.
 * @example
 * const first = await continueSolution({ context, prompt, written: "", maxTokens: 8, requiredBy: "probe@4k8" });
 * if (first.piece !== undefined) {
 *   const next = await continueSolution({
 *     context, prompt, written: first.piece.written, maxTokens: 8, parentId: first.piece.id, requiredBy: "probe@4k8",
 *   });
 * }
 */
export async function continueSolution(options: ContinueSolutionOptions): Promise<ContinueSolutionResult> {
  const { context, written } = options;
  const maxTokens = options.maxTokens ?? options.sampling?.maxTokens ?? context.sampling.maxTokens;
  const prompt = continuationPrompt(options.prompt, written);
  // Drawn before counting the prompt, so that concurrent calls draw seeds in the order they were started.
  const seed = options.seed ?? context.rng.nextSeed();
  const counted = await promptTokens(context, prompt);
  const call = await generateRecorded({
    context,
    prompt,
    n: 1,
    seed,
    parentId: options.parentId,
    logprobs: options.logprobs,
    sampling: { ...options.sampling, maxTokens },
    requires: continuationCapabilities(options.prompt, options.requiredBy),
    // One completion in one request: its prompt is charged once, per request or per completion alike.
    // It needs a token at least, and the tokens kept for after it; `generateRecorded` lowers `maxTokens`
    // to what the budget leaves less those, so a budget below `maxTokens` still gets a piece that fits
    // and leaves them free.
    plan: {
      calls: 1,
      completions: 1,
      promptTokens: counted.tokens,
      completionTokensEach: 1 + (options.reserveTokens ?? 0),
    },
    reserveTokens: options.reserveTokens,
    reserveRereads: true,
    extractAnswers: true,
    answerPrefix: options.answerPrefix ?? written,
    dropAborted: true,
  });
  const completion = call.completions[0];
  const piece =
    completion === undefined
      ? undefined
      : {
          id: completion.id,
          text: completion.text,
          written: written + completion.text,
          finishReason: completion.finishReason,
          tokenCount: completion.tokenCount,
          maxTokens: call.maxTokens,
          answer: completion.answer,
          model: completion.model,
          ...(completion.reasoning === undefined ? {} : { reasoning: completion.reasoning }),
        };
  return { piece, stoppedBy: call.stoppedBy, usage: call.usage };
}
