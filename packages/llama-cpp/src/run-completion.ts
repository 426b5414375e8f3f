import type { Completion, FinishReason, TokenLogprob, TokenVerdict } from "mull/spec";
import {
  type LlamaContextSequence,
  type LlamaGrammar,
  LlamaGrammarEvaluationState,
  type LlamaModel,
  type Token,
} from "node-llama-cpp";
import { alignSequence } from "./align-sequence.ts";
import { completionSeed } from "./completion-seed.ts";
import { isLiveReading, type LiveReading, liveReading } from "./live-reading.ts";
import { type GeneratedToken, readDistribution } from "./read-distribution.ts";
import type { RenderedPrompt } from "./render-prompt.ts";
import { createStopMatcher } from "./stop-matcher.ts";
import { type ForcedToken, teacherForce } from "./teacher-force.ts";
import { createTextRelay } from "./text-relay.ts";
import type { TokenText } from "./token-text.ts";
import type { GenerationPlan } from "./validate-generation-request.ts";

/** What {@link runCompletion} needs to generate one completion on one sequence. */
export interface CompletionRun {
  /** The completion's index in the request; it picks the sampler seed with `seed`. */
  readonly index: number;
  readonly sequence: LlamaContextSequence;
  /** Prompt tokens the sequence already holds (shared with its wave); `undefined` aligns it here. */
  readonly cachedPromptTokens: number | undefined;
  readonly plan: GenerationPlan;
  readonly rendered: RenderedPrompt;
  readonly grammar: LlamaGrammar | undefined;
  /** The request's seed. */
  readonly seed: number;
  /** Ends generation early, with finishReason `abort`. */
  readonly signal: AbortSignal;
  /** Receives the text as it is generated. */
  readonly onText: ((text: string) => void) | undefined;
  /**
   * Hears each kept token with its raw-distribution logprob as it is generated; `stop` ends the completion
   * there (finish reason `cut`). The caller has checked that logprobs can be read live (`requireLiveReading`).
   */
  readonly watch: ((token: TokenLogprob) => TokenVerdict) | undefined;
  readonly model: LlamaModel;
  readonly vocabularySize: number;
  readonly tokenText: TokenText;
}

/** One completion with the token counts it adds to the request's usage. */
export interface CompletionOutcome {
  readonly completion: Completion;
  /** Prompt tokens this completion counted: 0 when aborted before anything was evaluated for it. */
  readonly promptTokens: number;
  /** Of those, tokens served from a cache or copied rather than evaluated. */
  readonly cachedPromptTokens: number;
  /** Tokens sampled (a matched stop string's included, the end-of-generation token not). */
  readonly sampledTokens: number;
}

/** The outcome of a completion aborted before it started. */
export function abortedOutcome(index: number): CompletionOutcome {
  return {
    completion: { index, text: "", finishReason: "abort", completionTokens: 0 },
    promptTokens: 0,
    cachedPromptTokens: 0,
    sampledTokens: 0,
  };
}

/** How many tokens, given their pieces, make up the text up to `cut`; the last may reach past it. */
function tokensBefore(pieces: readonly string[], cut: number): number {
  let offset = 0;
  let count = 0;
  while (count < pieces.length && offset < cut) {
    offset += pieces[count]?.length ?? 0;
    count += 1;
  }
  return count;
}

/** The last generated token as a watcher hears it: its text piece, raw logprob and top alternatives. */
function watchedToken(
  run: CompletionRun,
  generated: readonly Token[],
  read: readonly ForcedToken[],
  before: readonly Token[],
): TokenLogprob {
  const last = generated.length - 1;
  // The piece needs a few tokens of context only: those before it in the completion, then the prompt's.
  const context = [...before, ...generated.slice(0, last)].slice(-16);
  const pieces = run.tokenText.pieces(generated.slice(last), context);
  return run.tokenText.logprobs(read.slice(last), pieces, run.plan.topLogprobs)[0]!;
}

/**
 * Generates one completion on its sequence: evaluates what the sequence does not hold of the prompt, samples
 * until an end-of-generation or stop token, a stop string, `maxTokens`, the context's end, an abort or the
 * watcher's `stop`, relays the text to `onText` as it grows, hands each token to `watch`, and reads
 * raw-distribution logprobs of the kept tokens when asked (while generating where the sampler allows,
 * else by teacher forcing afterwards).
 */
export async function runCompletion(run: CompletionRun): Promise<CompletionOutcome> {
  const { index, sequence, plan, rendered, grammar, signal, onText, watch, model, tokenText } = run;
  const promptTokens = rendered.tokens;
  const cached = run.cachedPromptTokens ?? (await alignSequence(sequence, promptTokens.slice(0, -1)));
  if (signal.aborted) {
    // Aborted before its first token, but the sequence may hold more of the prompt than was cached for it:
    // the wave's shared prefix, which its leader evaluated. That work is charged, the cached part as cached.
    const held = sequence.nextTokenIndex;
    return held > cached
      ? { ...abortedOutcome(index), promptTokens: held, cachedPromptTokens: cached }
      : abortedOutcome(index);
  }
  const before = promptTokens.slice(-8);
  const stops = [...plan.stop, ...rendered.stopStrings];
  const matcher = createStopMatcher(stops);
  const watchText = stops.length > 0;
  const relay = createTextRelay(onText, stops);
  const generated: Token[] = [];
  let finishReason: FinishReason = "unknown";
  let cut: number | undefined;
  let checkedLength = 0;
  // Whenever the sampler's distribution is the raw one or can be turned back into it (pure temperature), read
  // logprobs while generating instead of teacher forcing afterwards; a watcher always needs them so.
  const reading = plan.logprobs || watch !== undefined ? liveReading(plan, run.vocabularySize) : undefined;
  const live: LiveReading | undefined = reading !== undefined && isLiveReading(reading) ? reading : undefined;
  const readWhileGenerating = live !== undefined;
  const read: ForcedToken[] = [];
  // Prompt lookup proposes what followed the last tokens in the prompt (a no-op for other predictors).
  sequence.tokenPredictor?.updateInputTokens(promptTokens as Token[]);
  const iterator = sequence.evaluateWithMetadata(
    promptTokens.slice(sequence.nextTokenIndex) as Token[],
    { confidence: readWhileGenerating, probabilities: live?.probabilities === true },
    {
      temperature: plan.temperature,
      topK: plan.topK,
      topP: plan.topP,
      minP: plan.minP,
      seed: completionSeed(run.seed, index),
      yieldEogToken: true,
      ...(grammar === undefined
        ? {}
        : { grammarEvaluationState: new LlamaGrammarEvaluationState({ model, grammar }) }),
    },
  );
  // The end-of-generation token that ended the completion, and its reading when read while generating.
  let endToken: Token | undefined;
  let endRead: ForcedToken | undefined;
  for await (const output of iterator as AsyncIterable<GeneratedToken>) {
    const token = output.token;
    if (model.isEogToken(token) || rendered.stopTokens.has(token)) {
      finishReason = "stop";
      endToken = token;
      if (live !== undefined) endRead = readDistribution(output, 0, live.temperature);
      break;
    }
    if (live !== undefined) read.push(readDistribution(output, plan.topLogprobs, live.temperature));
    generated.push(token);
    if (watchText || onText !== undefined) {
      const text = model.detokenize(generated, false, before);
      cut = watchText ? matcher.find(text, checkedLength) : undefined;
      checkedLength = text.length;
      if (cut !== undefined) {
        finishReason = "stop";
        break;
      }
      relay.relay(text, false);
    }
    if (watch !== undefined && watch(watchedToken(run, generated, read, before)) === "stop") {
      finishReason = "cut";
      break;
    }
    if (plan.maxTokens !== undefined && generated.length >= plan.maxTokens) {
      finishReason = "length";
      break;
    }
    // The last sampled token is not evaluated yet: stop before node-llama-cpp would shift the context. Counted
    // here rather than read from the sequence, whose state may already hold predicted tokens ahead of this one.
    if (promptTokens.length + generated.length - 1 >= sequence.contextSize - 1) {
      finishReason = "length";
      break;
    }
    if (signal.aborted) {
      finishReason = "abort";
      break;
    }
  }
  let kept: Token[] = generated;
  let text = model.detokenize(generated, false, before);
  // The request's stop string that ended it (a template's own end marker is no stop sequence of the request).
  const stopSequence =
    cut === undefined ? undefined : plan.stop.find((stop) => stop !== "" && text.startsWith(stop, cut));
  if (cut !== undefined) {
    text = text.slice(0, cut);
    kept = generated.slice(0, tokensBefore(tokenText.pieces(generated, before), cut));
  }
  if (finishReason !== "abort") relay.relay(text, true);
  let tokens: TokenLogprob[] | undefined;
  let endLogprob: number | undefined;
  if (plan.logprobs && finishReason !== "abort" && !signal.aborted) {
    // The end token's probability belongs to the completion's; teacher forcing reads it one position on.
    const ending = cut === undefined ? endToken : undefined;
    let forced: readonly ForcedToken[];
    if (readWhileGenerating) {
      forced = read.slice(0, kept.length);
      endLogprob = ending === undefined ? undefined : endRead?.logprob;
    } else {
      const continuation = ending === undefined ? kept : [...kept, ending];
      const all = (await teacherForce(sequence, promptTokens, continuation, plan.topLogprobs)).tokens;
      forced = all.slice(0, kept.length);
      endLogprob = ending === undefined ? undefined : all[kept.length]?.logprob;
    }
    const texts = tokenText.pieces(kept, before);
    if (cut !== undefined && texts.length > 0) {
      // The last kept token may reach into the stop string; its text is cut like the completion's.
      const keptLength = texts.slice(0, -1).reduce((sum, piece) => sum + piece.length, 0);
      texts[texts.length - 1] = text.slice(keptLength);
    }
    tokens = tokenText.logprobs(forced, texts, plan.topLogprobs);
  }
  return {
    completion: {
      index,
      text,
      finishReason,
      completionTokens: generated.length,
      ...(tokens === undefined ? {} : { tokens }),
      ...(endLogprob === undefined ? {} : { endLogprob }),
      ...(stopSequence === undefined ? {} : { stopSequence }),
    },
    promptTokens: promptTokens.length,
    cachedPromptTokens: cached,
    sampledTokens: generated.length,
  };
}
