import { addUsage, completionTokenCap, emptyUsage } from "../budget/index.ts";
import { seededRng } from "../runtime/index.ts";
import type { Candidate, FinishReason, Prompt, StopReason, ThinkingCues, Usage } from "../spec/index.ts";
import { answerCutSolution } from "./answer-cut-solution.ts";
import { continueSolution } from "./continue-solution.ts";
import type { RecordedOutcome } from "./generate-recorded.ts";
import type { RecordedCallOptions } from "./recorded-call-options.ts";
import { withCue } from "./with-cue.ts";

/** Options of `budgetForcedSolution`. */
export interface BudgetForcedSolutionOptions extends RecordedCallOptions {
  /** The problem's prompt. */
  readonly prompt: Prompt;
  /**
   * T: the most thinking tokens. A solution still going after T tokens gets the answer cue and is made to
   * answer. Absent: the run's `maxTokens` bounds its thinking, continue cues and all, as any sample's
   * (cut, not forced).
   */
  readonly maxThinkingTokens?: number | undefined;
  /**
   * The fewest thinking tokens: a solution that ends before them gets the continue cue and goes on, at
   * most `maxWaits` times. Default 0 (never).
   */
  readonly minThinkingTokens?: number | undefined;
  /** How many times the continue cue may be appended; default 0. */
  readonly maxWaits?: number | undefined;
  /** Most tokens of a forced answer. */
  readonly answerTokens: number;
  /** The answer and continue cues. */
  readonly cues: ThinkingCues;
  /** Seed of the first call (default one drawn from `context.rng`); later calls draw theirs from it. */
  readonly seed?: number | undefined;
  /** Names the strategy in a `CapabilityError`. */
  readonly requiredBy: string;
}

/** One budget-forced solution and how it was made. */
export interface BudgetForcedSolution extends RecordedOutcome {
  /**
   * The solution (cues included); `undefined` when no call could be made, or when the budget, the deadline
   * or an abort kept a solution cut at T from being made to answer: a solution cut mid-way is no sample
   * (its calls are charged and recorded all the same).
   */
  readonly candidate: Candidate | undefined;
  /**
   * Tokens the model thought before it answered or was made to (continue cues not counted): all it wrote,
   * or with thinking sent apart, that thinking's.
   */
  readonly thinkingTokens: number | undefined;
  /**
   * Whether the thinking was cut at `maxThinkingTokens` (or where the budget kept the answer's tokens
   * free) and the solution made to answer: after the answer cue, or on the answer line it had begun.
   */
  readonly forced: boolean;
  /** How many times the continue cue was appended. */
  readonly waits: number;
}

function addCount(total: number | undefined, count: number | undefined): number | undefined {
  return total === undefined || count === undefined ? undefined : total + count;
}

/**
 * The thinking tokens of a call that sent reasoning apart from its text: the upstream's own count when it
 * reported one, else the call's tokens shared out by characters between the reasoning and the text (all
 * of them when the text is empty); `undefined` when the call's tokens are unknown too.
 */
function reasoningTokenCount(
  reasoning: string,
  text: string,
  tokenCount: number | undefined,
  reported: number | undefined,
): number | undefined {
  if (reported !== undefined) return reported;
  if (tokenCount === undefined) return undefined;
  const characters = reasoning.length + text.length;
  return characters === 0 ? 0 : Math.round((tokenCount * reasoning.length) / characters);
}

/**
 * What the next call continues: the thinking sent apart (`reasoning`), then what the solution wrote as
 * text, cues included. The thinking goes back as plain text at the start of the assistant prefix.
 */
function thinkingPrefix(reasoning: string, written: string): string {
  if (reasoning === "") return written;
  if (written === "") return reasoning;
  return /^\s/.test(written) ? reasoning + written : `${reasoning}\n\n${written}`;
}

/**
 * One solution under budget forcing (s1, Muennighoff et al. 2025): the model thinks for at most
 * `maxThinkingTokens` tokens; a solution not finished by then gets the answer cue and is made to answer
 * in at most `answerTokens` tokens (`forceAnswer`, at temperature 0). A solution that ends before
 * `minThinkingTokens` gets the continue cue and thinks on (up to `maxWaits` times, within T). Its tokens
 * are the thinking tokens plus the answer's, exactly; each call is recorded under the previous one, so
 * the trace is a chain. A solution cut by the model's context (fewer tokens than asked, finish `length`)
 * is not forced: its answer, if any, is what its text says.
 *
 * A solution cut while it wrote its answer keeps it (`answerCutSolution`): where its text since the last
 * continue cue holds the answer cue (`answerLine`: `\n#### ` at a line's start), it is not given a second
 * cue. A line the cut left open (`…\n#### 62`, perhaps a cut `624`) is continued greedily for at most
 * `answerTokens` tokens, the answer read from the cue, that line and the continuation; a line a line break
 * had ended, that the answer format reads an answer from, is the answer with no call: the solution ends at
 * that line (what the model wrote after it is left out of its text, its tokens still counted) and finishes
 * `stop`, as one whose answer a call finished. A cue cut mid-way
 * (`…\n###`) is finished rather than appended after its first characters. A line after a continue cue's
 * answer was being thought over: forced anew.
 *
 * An upstream that sends its thinking apart from the text (`reasoning_content`: vLLM with a reasoning
 * parser, llama-server) is budgeted on that thinking: its tokens (the upstream's `reasoning_tokens` when
 * reported, else the call's tokens shared out by characters) are the thinking tokens, every call's tokens
 * count against T, and a call cut at T gets the answer cue after its thinking, sent back as plain text at
 * the start of the assistant prefix (the reasoning channel cannot be continued as such). The candidate
 * keeps the thinking as its `reasoning` and the text, cue and answer as its `text`. A forced answer that
 * comes back as reasoning only (a parser that reads a continuation without its closing think tag as
 * thinking) is taken as the answer's text.
 *
 * It never starts a thinking call the budget cannot afford together with a forced answer's tokens (a
 * thinking call is lowered to what the budget leaves, `continueSolution`); when the budget, the deadline or
 * an abort stops it, it returns what it has, with the reason in `stoppedBy`: a solution that had finished
 * before (its answer is what it wrote), or none when the stop came between T and the forced answer, as
 * the answer a solution cut mid-way would give is no answer. Thinking cut where the budget lowered the
 * call below T is made to answer as at T, but the budget cut it short: `stoppedBy` is the limit that
 * leaves the answer the least room (`tokens`, `completion-tokens`, `cost`; `completionTokenCap`).
 *
 * @throws CapabilityError when the backend cannot continue this kind of prompt.
 * @example
 * const { candidate, forced } = await budgetForcedSolution({
 *   context, prompt, maxThinkingTokens: 16, answerTokens: 8, cues: labProfile().thinkingCues, requiredBy: "force@16",
 * });
 */
export async function budgetForcedSolution(
  options: BudgetForcedSolutionOptions,
): Promise<BudgetForcedSolution> {
  const { context, prompt, cues, answerTokens, requiredBy } = options;
  const cap = options.maxThinkingTokens;
  const minimum = options.minThinkingTokens ?? 0;
  const maxWaits = options.maxWaits ?? 0;
  const firstSeed = options.seed ?? context.rng.nextSeed();
  const seeds = seededRng(firstSeed);
  let seed = firstSeed;
  const nextSeed = () => {
    const current = seed;
    seed = seeds.nextSeed();
    return current;
  };
  let usage: Usage = emptyUsage;
  let written = "";
  // Thinking an upstream sent apart from the text (`reasoning_content`), all calls' together.
  let reasoning: string | undefined;
  let thinkingTokens: number | undefined = 0;
  let tokens: number | undefined = 0;
  let parentId = options.parentId;
  let answer: string | undefined;
  let finishReason: FinishReason = "unknown";
  let model: string | undefined;
  let waits = 0;
  let forced = false;
  let stoppedBy: StopReason = "complete";
  // Cut at T, and the budget, the deadline or an abort kept it from answering: no sample.
  let unanswered = false;
  // Where what the model wrote since the last continue cue starts: an answer line written before a cue
  // to think on was being thought over, and is no answer of a trace cut after it.
  let thinkingStart = 0;

  const limit = cap ?? options.sampling?.maxTokens ?? context.sampling.maxTokens;
  for (;;) {
    // A call's tokens, text and reasoning alike, count against the limit.
    const asked = limit === undefined ? undefined : Math.max(1, limit - (tokens ?? 0));
    const call = await continueSolution({
      context,
      prompt,
      written: thinkingPrefix(reasoning ?? "", written),
      answerPrefix: written,
      // Without a cap the run's maxTokens (or the backend's default) bounds the call, as for any sample.
      maxTokens: asked,
      reserveTokens: cap === undefined ? 0 : answerTokens,
      seed: nextSeed(),
      parentId,
      sampling: options.sampling,
      requiredBy,
    });
    usage = addUsage(usage, call.usage);
    const piece = call.piece;
    if (piece === undefined) {
      stoppedBy = call.stoppedBy;
      break;
    }
    written += piece.text;
    answer = piece.answer;
    finishReason = piece.finishReason;
    model = piece.model;
    parentId = piece.id;
    if (piece.reasoning === undefined) {
      thinkingTokens = addCount(thinkingTokens, piece.tokenCount);
    } else {
      // Thinking sent apart: only its tokens count as thinking (the upstream's count when reported).
      reasoning = (reasoning ?? "") + piece.reasoning;
      thinkingTokens = addCount(
        thinkingTokens,
        reasoningTokenCount(piece.reasoning, piece.text, piece.tokenCount, call.usage.reasoningTokens),
      );
    }
    tokens = addCount(tokens, piece.tokenCount);
    if (piece.finishReason === "length") {
      // Cut at T, or where the budget kept the answer's tokens free (or with no count reported, presumably
      // there): force the answer. Fewer tokens than the call was made with means the context ended, where a
      // cue and an answer would not fit.
      const made = piece.maxTokens ?? asked;
      forced =
        cap !== undefined &&
        made !== undefined &&
        (piece.tokenCount === undefined || piece.tokenCount >= made);
      if (forced && asked !== undefined && made !== undefined && made < asked) {
        // The budget, not T, cut the thinking: the trace still answers, but the run is cut short, by the
        // limit that leaves the answer the least room now (its call reads the prompt and the thinking).
        const reread = (call.usage.promptTokens ?? 0) + (piece.tokenCount ?? 0);
        stoppedBy = completionTokenCap(context.budget, 1, reread)?.limit ?? "tokens";
      }
      break;
    }
    const short = thinkingTokens !== undefined && thinkingTokens < minimum;
    const room = limit === undefined || tokens === undefined || tokens < limit;
    if (!short || waits >= maxWaits || !room) break;
    written = withCue(written, cues.continueCue);
    thinkingStart = written.length;
    waits += 1;
  }

  if (forced) {
    // Cut while it wrote its answer, it keeps it: no second cue after its own.
    const call = await answerCutSolution({
      context,
      prompt,
      written,
      answerFrom: thinkingStart,
      cue: cues.answerCue,
      maxTokens: answerTokens,
      seed: nextSeed(),
      parentId,
      requiredBy,
      continued: (text) => thinkingPrefix(reasoning ?? "", text),
    });
    usage = addUsage(usage, call.usage);
    const answered = call.answered;
    if (answered === undefined) {
      stoppedBy = call.stoppedBy;
      unanswered = true;
    } else {
      written = answered.solution;
      answer = answered.answer;
      if (answered.call === undefined) {
        // Its own answer line, ended before the cut, finished it: as an answer a call finishes, it stopped.
        finishReason = "stop";
      } else {
        finishReason = answered.call.finishReason;
        parentId = answered.call.id;
        tokens = addCount(tokens, answered.call.tokenCount);
      }
    }
  }

  const candidate: Candidate | undefined =
    unanswered || parentId === options.parentId || parentId === undefined
      ? undefined
      : {
          id: parentId,
          text: written,
          answer,
          finishReason,
          completionTokens: tokens,
          scores: [],
          ...(model === undefined ? {} : { model }),
          ...(thinkingTokens === undefined ? {} : { thinkingTokens }),
          ...(reasoning === undefined ? {} : { reasoning }),
        };
  return { candidate, thinkingTokens, forced, waits, stoppedBy, usage };
}
