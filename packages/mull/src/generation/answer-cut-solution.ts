import { emptyUsage } from "../budget/index.ts";
import type { AnswerFormat, Prompt } from "../spec/index.ts";
import { answerLine, begunCue } from "./answer-line.ts";
import { answerLineEnd } from "./answer-line-end.ts";
import { continueSolution } from "./continue-solution.ts";
import { type ForcedAnswer, forceAnswer } from "./force-answer.ts";
import type { RecordedOutcome } from "./generate-recorded.ts";
import type { RecordedCallOptions } from "./recorded-call-options.ts";
import { withCue } from "./with-cue.ts";

/** Options of `answerCutSolution`. */
export interface AnswerCutSolutionOptions extends RecordedCallOptions {
  /** The problem's prompt. */
  readonly prompt: Prompt;
  /** The solution's text, cut mid-way (by a thinking limit, a chunk's end). */
  readonly written: string;
  /**
   * Where in `written` an answer line the solution wrote counts; default 0. What came before (an answer
   * followed by a continue cue, that the solution was made to think over) is no answer of the cut.
   */
  readonly answerFrom?: number | undefined;
  /** The answer cue (see `ThinkingCues.answerCue`). */
  readonly cue: string;
  /** Most tokens of the answer. */
  readonly maxTokens: number;
  /** Seed of the call; default one drawn from `context.rng` when a call is made. */
  readonly seed?: number | undefined;
  /** Names the strategy in the `CapabilityError` when the backend cannot continue the prompt. */
  readonly requiredBy: string;
  /**
   * What a call continues, made from the solution's text (`written`, or `written` less a cue it had begun);
   * default that text. Thinking an upstream sent apart from the text goes before it here.
   */
  readonly continued?: ((text: string) => string) | undefined;
}

/** The answer of a cut solution, and the call that wrote it. */
export interface CutSolutionAnswer {
  /**
   * The solution with its answer: its text, its cue (its own, finished or appended) and the answer. An
   * answer line it wrote in full ends it: what the cut text held after that line is no part of it.
   */
  readonly solution: string;
  /** The answer, read from the cue and its line with the run's answer format; `undefined` when none. */
  readonly answer: string | undefined;
  /**
   * The call that wrote the answer (its `text` what followed the solution's text, its `solution` what the
   * call continued and wrote); `undefined` where the solution's own complete answer line was the answer.
   */
  readonly call: ForcedAnswer | undefined;
}

/** What `answerCutSolution` produced and why it stopped. */
export interface AnswerCutSolutionResult extends RecordedOutcome {
  /** The answer; `undefined` when the budget, the deadline or an abort prevented or cut the call. */
  readonly answered: CutSolutionAnswer | undefined;
}

/**
 * Makes a solution cut mid-way answer, keeping what it wrote of its answer. Where its text (from
 * `answerFrom`) holds the answer cue (`answerLine`: `\n#### ` at a line's start), it gets no second cue: a
 * line a line break had ended, that the answer format reads an answer from, is the answer with no call, the
 * solution its text up to that line's end (what the cut text held after it is no part of the solution); a
 * line the cut left open (`…\n#### 62`, perhaps a cut `624`) is continued for at most `maxTokens` tokens,
 * the answer read from the cue, that line and the continuation. Otherwise the answer cue is appended
 * (`forceAnswer`), replacing a cue it had begun (`…\n###`) rather than following its first characters.
 * Calls are greedy unless `sampling` says otherwise, sized against the budget, charged and recorded under
 * `parentId` (`continueSolution`). A forced answer that comes back as reasoning only (a parser that reads a
 * continuation without its closing think tag as thinking) is taken as the answer's text.
 *
 * @throws CapabilityError when the backend cannot continue this kind of prompt.
 * @example
 * const { answered } = await answerCutSolution({
 *   context, prompt, written: "\n719-95=624\n#### 62", cue: "\n#### ", maxTokens: 8, requiredBy: "probe@4k8",
 * });
 * answered?.solution; // "\n719-95=624\n#### 624": the line continued, no second cue
 * answered?.answer; // "624"
 * const kept = await answerCutSolution({
 *   context, prompt, written: "\n719-95=624\n#### 624\nQ:", cue: "\n#### ", maxTokens: 8, requiredBy: "probe@4k8",
 * });
 * kept.answered?.solution; // "\n719-95=624\n#### 624": the line it ended, no call, what followed left out
 */
export async function answerCutSolution(options: AnswerCutSolutionOptions): Promise<AnswerCutSolutionResult> {
  const { context, written, cue } = options;
  const continued = options.continued ?? ((text: string) => text);
  const from = options.answerFrom ?? 0;
  const line = answerLine(written.slice(from), cue);
  const kept = line?.complete === true ? context.answerFormat.extract(cue + line.text) : undefined;
  if (kept !== undefined) {
    // Its answer line was written in full before the cut: that is its answer, with no call. What it went on
    // to write after that line (another problem of its own, say) is no part of the solution.
    const end = from + (answerLineEnd(written.slice(from), cue) ?? written.length - from);
    return {
      answered: { solution: written.slice(0, end), answer: kept, call: undefined },
      stoppedBy: "complete",
      usage: emptyUsage,
    };
  }
  const call = {
    context,
    prompt: options.prompt,
    maxTokens: options.maxTokens,
    seed: options.seed,
    parentId: options.parentId,
    logprobs: options.logprobs,
    sampling: { ...options.sampling, temperature: options.sampling?.temperature ?? 0 },
    requiredBy: options.requiredBy,
  };
  if (line !== undefined && !line.complete) {
    // The answer line it had begun: the answer goes on from what it wrote of it, not from a second cue.
    const answerPrefix = cue + line.text;
    const { piece, stoppedBy, usage } = await continueSolution({
      ...call,
      written: continued(written),
      answerPrefix,
    });
    if (piece === undefined) return { answered: undefined, stoppedBy, usage };
    const forced = { ...piece, solution: piece.written };
    return { answered: answerOf(forced, written, answerPrefix, context.answerFormat), stoppedBy, usage };
  }
  // A cue it had begun to write is finished, not written again after its first characters.
  const bare = written.slice(0, written.length - begunCue(written.slice(from), cue));
  const { forced, stoppedBy, usage } = await forceAnswer({ ...call, written: continued(bare), cue });
  if (forced === undefined) return { answered: undefined, stoppedBy, usage };
  return { answered: answerOf(forced, withCue(bare, cue), cue, context.answerFormat), stoppedBy, usage };
}

/**
 * The answer a call wrote after `before` (the solution's text up to where the call went on), read from
 * `answerPrefix` and its text; an answer sent as reasoning only is the answer's text.
 */
function answerOf(
  forced: ForcedAnswer,
  before: string,
  answerPrefix: string,
  answerFormat: AnswerFormat,
): CutSolutionAnswer {
  // An upstream whose reasoning parser reads a continuation without its closing think tag as reasoning
  // sends the answer there, with no text: that is the answer's text then.
  const inReasoning = forced.text.trim() === "" && (forced.reasoning ?? "").trim() !== "";
  const text = inReasoning ? (forced.reasoning ?? "") : forced.text;
  return {
    solution: before + text,
    answer: inReasoning ? answerFormat.extract(answerPrefix + text) : forced.answer,
    call: forced,
  };
}
