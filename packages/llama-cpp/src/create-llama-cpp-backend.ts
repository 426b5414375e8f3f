import { randomInt } from "node:crypto";
import path from "node:path";
import { BackendCallError, ConfigError, DisposedError, MullError } from "mull/errors";
import type {
  Backend,
  BackendCapabilities,
  BackendDescription,
  CallOptions,
  Completion,
  FinishReason,
  GenerationRequest,
  GenerationResult,
  Prompt,
  ScoreRequest,
  ScoreResult,
  TokenLogprob,
} from "mull/spec";
import {
  getLlama,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaGrammar,
  LlamaGrammarEvaluationState,
  LlamaLogLevel,
  type LlamaModel,
  DisposedError as NativeDisposedError,
  type Token,
} from "node-llama-cpp";
import { checkModelFile } from "./check-model-file.ts";
import { completionSeed } from "./completion-seed.ts";
import { fileSha256 } from "./file-sha256.ts";
import { nodeLlamaCppVersion } from "./node-llama-cpp-version.ts";
import { fullDistributionLimit, type GeneratedToken, readDistribution } from "./read-distribution.ts";
import { createPromptRenderer, type PromptRenderer, type RenderedPrompt } from "./render-prompt.ts";
import { resolveModelPath } from "./resolve-model-path.ts";
import { type SequenceLease, SequencePool } from "./sequence-pool.ts";
import { sharePrefix } from "./share-prefix.ts";
import { createStopMatcher } from "./stop-matcher.ts";
import { type ForcedToken, teacherForce } from "./teacher-force.ts";
import { type GenerationPlan, validateGenerationRequest } from "./validate-generation-request.ts";

/** Options of {@link createLlamaCppBackend}. */
export interface LlamaCppBackendOptions {
  /** A lab model name (`lab-small`, `lab-large`, or any name in `models/models.json`) or a path to a `.gguf` file. */
  readonly model: string;
  /**
   * CPU threads for evaluation; default 1. Always explicit: node-llama-cpp's default (every core) made a tiny
   * model about 40 times slower on a 2-core machine, where threads fight over cores for microsecond-sized work.
   */
  readonly threads?: number | undefined;
  /** Sequences evaluated in parallel in one context (batched together); default 16. More completions queue. */
  readonly sequences?: number | undefined;
  /** Context size of each sequence, in tokens (prompt plus completion); default the model's training context, at most 4096. */
  readonly contextSize?: number | undefined;
  /** Only CPU is supported: `false` or absent. */
  readonly gpu?: false | undefined;
  /**
   * Seed for requests that carry none: a number (every such request reuses it, for fully reproducible runs) or a
   * function called once per request. Default: a fresh random seed per request.
   */
  readonly seedFallback?: number | (() => number) | undefined;
  /**
   * Evaluate a prompt shared by several parallel completions once and copy its KV cache to the other sequences
   * (default true). Falls back to evaluating per sequence when node-llama-cpp cannot copy.
   */
  readonly prefixSharing?: boolean | undefined;
  /** Aborts loading. */
  readonly signal?: AbortSignal | undefined;
}

/** The settings a backend runs with, defaults resolved. */
export interface LlamaCppBackendSettings {
  readonly modelPath: string;
  readonly threads: number;
  readonly sequences: number;
  readonly contextSize: number;
  readonly prefixSharing: boolean;
}

/**
 * The embedded llama.cpp backend (node-llama-cpp). Besides the `Backend` contract it always has `score` and
 * `dispose`; every method but `describe` and `dispose` throws `DisposedError` once disposed.
 *
 * Sampling: temperature (default 1; 0 is greedy), top-k, top-p and min-p (default off), a seed per request
 * (completion `i` of `n` is seeded from the request's seed and `i` alone, so its text does not depend on how
 * completions were batched or queued), no repetition penalty.
 *
 * Log-probabilities (`generate` with `logprobs`/`topLogprobs`, and `score`) are those of the **raw model
 * distribution** — temperature 1, no top-k, top-p or min-p, no grammar mask — not of the sampler, whatever the
 * request's sampling settings. They are read while generating when the sampler's distribution is the raw one
 * (greedy, or temperature 1 without truncation or grammar) and otherwise computed by teacher forcing the kept
 * tokens after sampling; either way a generated token's logprob equals what `score` gives for the same
 * continuation (to float precision). `tokens` covers the returned text: no end-of-sequence token, and a matched
 * stop string's tokens only as far as they reach into the text.
 *
 * Usage: `promptTokens` counts the prompt once per completion that ran; `cachedPromptTokens` those of them not
 * evaluated (kept from an earlier call on the same sequence or copied from a sibling); `completionTokens`
 * counts every sampled token, a matched stop string's included, the end-of-sequence token not; `calls` is 1.
 *
 * Abort: a signal already aborted makes `generate` reject with the signal's reason; an abort during `generate`
 * resolves it with what was generated so far, completions cut short having finishReason `abort` (and no
 * `tokens`); `score` rejects with the signal's reason. Sequences go back to the pool either way.
 */
export interface LlamaCppBackend extends Backend {
  /** Resolved settings (model path, threads, sequences, context size, prefix sharing). */
  readonly settings: LlamaCppBackendSettings;
  score(request: ScoreRequest, options?: CallOptions): Promise<ScoreResult>;
  dispose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const defaultSequences = 16;
const largestDefaultContext = 4096;
const grammarCacheSize = 32;
const recentLogLines = 20;

function checkPositiveInteger(field: string, value: unknown, maximum: number): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > maximum) {
    throw new ConfigError(`${field} must be an integer from 1 to ${maximum}, got ${JSON.stringify(value)}`, {
      field,
    });
  }
}

function checkOptions(options: LlamaCppBackendOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new ConfigError(`options must be an object, got ${JSON.stringify(options)}`, { field: "options" });
  }
  if (options.threads !== undefined) checkPositiveInteger("threads", options.threads, 256);
  if (options.sequences !== undefined) checkPositiveInteger("sequences", options.sequences, 1024);
  if (options.contextSize !== undefined) {
    if (!Number.isInteger(options.contextSize) || options.contextSize < 16 || options.contextSize > 1 << 20) {
      throw new ConfigError(
        `contextSize must be an integer from 16 to ${1 << 20}, got ${JSON.stringify(options.contextSize)}`,
        { field: "contextSize" },
      );
    }
  }
  if (options.gpu !== undefined && options.gpu !== false) {
    throw new ConfigError(
      `gpu must be false (the embedded backend runs on CPU), got ${JSON.stringify(options.gpu)}`,
      {
        field: "gpu",
      },
    );
  }
  const fallback = options.seedFallback;
  if (fallback !== undefined && typeof fallback !== "function" && !Number.isSafeInteger(fallback)) {
    throw new ConfigError(
      `seedFallback must be a safe integer or a function, got ${JSON.stringify(fallback)}`,
      {
        field: "seedFallback",
      },
    );
  }
  if (options.prefixSharing !== undefined && typeof options.prefixSharing !== "boolean") {
    throw new ConfigError(`prefixSharing must be a boolean, got ${JSON.stringify(options.prefixSharing)}`, {
      field: "prefixSharing",
    });
  }
}

function isAbortReason(error: unknown, signal: AbortSignal | undefined): boolean {
  return (
    signal?.aborted === true &&
    (error === signal.reason || (error as Error | undefined)?.name === "AbortError")
  );
}

function toBackendError(error: unknown, what: string): unknown {
  if (MullError.isInstance(error)) return error;
  if (error instanceof NativeDisposedError) return new DisposedError(what);
  const message = error instanceof Error ? error.message : String(error);
  return new BackendCallError(`${what}: ${message}`, { cause: error, isRetryable: false });
}

function commonPrefixLength(a: readonly Token[], b: readonly Token[]): number {
  const limit = Math.min(a.length, b.length);
  let index = 0;
  while (index < limit && a[index] === b[index]) index += 1;
  return index;
}

interface CompletionOutcome {
  readonly completion: Completion;
  /** Prompt tokens this completion counted (0 when it never started). */
  readonly promptTokens: number;
  /** Of those, tokens served from a cache or copied rather than evaluated. */
  readonly cachedPromptTokens: number;
  /** Tokens sampled (a matched stop string's included, the end-of-generation token not). */
  readonly sampledTokens: number;
}

/**
 * Loads a GGUF model with node-llama-cpp (CPU, explicit threads) and returns a {@link LlamaCppBackend}: `n`
 * completions run as parallel sequences of one context (batched by node-llama-cpp; beyond `sequences` they
 * queue), with a shared prompt prefix evaluated once, per-token raw-distribution logprobs, `score` by teacher
 * forcing, GBNF grammars, and the model's chat template for chat prompts (when it has one). A missing or corrupt
 * file is a `ConfigError` naming the path.
 *
 * @example
 * await using backend = await createLlamaCppBackend({ model: "lab-small", threads: 1 });
 * const result = await backend.generate({
 *   prompt: { kind: "text", text: "Q: 30+444+273=? A:" },
 *   n: 8,
 *   temperature: 1,
 *   seed: 7,
 * });
 */
export async function createLlamaCppBackend(options: LlamaCppBackendOptions): Promise<LlamaCppBackend> {
  checkOptions(options);
  const signal = options.signal;
  signal?.throwIfAborted();
  const modelPath = await resolveModelPath(options.model);
  const named = !/\.gguf$|[/\\]/.test(options.model) && !options.model.startsWith(".");
  const modelName = named ? options.model : path.basename(modelPath);
  const fileSize = await checkModelFile(modelPath);
  const threads = options.threads ?? 1;
  const sequences = options.sequences ?? defaultSequences;
  const prefixSharing = options.prefixSharing ?? true;
  const seedFallback = options.seedFallback;
  const what = `the llama-cpp backend (${modelName})`;

  const recentLogs: string[] = [];
  let llama: Llama;
  try {
    llama = await getLlama({
      gpu: false,
      build: "never",
      logLevel: LlamaLogLevel.warn,
      logger: (_level, message) => {
        recentLogs.push(message.trim());
        if (recentLogs.length > recentLogLines) recentLogs.shift();
      },
    });
  } catch (error) {
    throw new MullError(
      `node-llama-cpp could not load its prebuilt CPU binary for ${process.platform}-${process.arch} ` +
        `(is @node-llama-cpp/${process.platform}-${process.arch} installed?): ${(error as Error).message}`,
      { cause: error },
    );
  }
  let model: LlamaModel;
  let context: LlamaContext;
  let contextSize: number;
  try {
    recentLogs.length = 0;
    try {
      model = await llama.loadModel(signal === undefined ? { modelPath } : { modelPath, loadSignal: signal });
    } catch (error) {
      signal?.throwIfAborted();
      const said = recentLogs.filter((line) => line.length > 0).slice(-3);
      throw new ConfigError(
        `model file ${modelPath} could not be loaded (corrupt or incomplete GGUF?): ${(error as Error).message}` +
          (said.length > 0 ? `; llama.cpp said: ${said.join(" / ")}` : ""),
        { field: "model", cause: error },
      );
    }
    contextSize =
      options.contextSize ?? Math.min(model.trainContextSize || largestDefaultContext, largestDefaultContext);
    try {
      context = await model.createContext({
        contextSize,
        sequences,
        threads,
        failedCreationRemedy: false,
        ...(signal === undefined ? {} : { createSignal: signal }),
      });
    } catch (error) {
      await model.dispose();
      signal?.throwIfAborted();
      throw new ConfigError(
        `could not create a context of ${sequences} sequences × ${contextSize} tokens for ${modelPath}: ${(error as Error).message}`,
        { field: "contextSize", cause: error },
      );
    }
  } catch (error) {
    await llama.dispose();
    throw error;
  }

  // Hash small files now; hash big ones in the background so loading stays fast (describe() reports it once known).
  let modelHash: string | undefined;
  const hashing = fileSha256(modelPath).then((hash) => {
    modelHash = `sha256:${hash}`;
    return modelHash;
  });
  hashing.catch(() => undefined);
  if (fileSize <= 256 * 1024 * 1024) await hashing;
  const versions: Record<string, string> = {};
  const packageVersion = await nodeLlamaCppVersion();
  if (packageVersion !== undefined) versions["node-llama-cpp"] = packageVersion;
  const release = llama.llamaCppRelease?.release;
  if (typeof release === "string") versions["llama.cpp"] = release;

  let vocabularySize = 0;
  for (const _token of model.iterateAllTokens()) vocabularySize += 1;
  const renderer: PromptRenderer = createPromptRenderer(model, modelName);
  const pool = new SequencePool<LlamaContextSequence>({
    capacity: sequences,
    create: () => context.getSequence(),
    cachedTokens: (sequence) => sequence.contextTokens,
    owner: what,
  });
  const grammars = new Map<string, Promise<LlamaGrammar>>();
  let disposed = false;
  // llama.cpp may round the context size up; report and enforce the one it made.
  contextSize = context.contextSize;
  const settings: LlamaCppBackendSettings = { modelPath, threads, sequences, contextSize, prefixSharing };

  const ensureUsable = (): void => {
    if (disposed) throw new DisposedError(what);
  };

  const nextFallbackSeed = (): number => {
    if (typeof seedFallback === "number") return seedFallback;
    if (typeof seedFallback === "function") {
      const seed = seedFallback();
      if (!Number.isSafeInteger(seed)) {
        throw new ConfigError(`seedFallback() must return a safe integer, got ${JSON.stringify(seed)}`, {
          field: "seedFallback",
        });
      }
      return seed;
    }
    return randomInt(0, 2 ** 32);
  };

  const grammarFor = (source: string): Promise<LlamaGrammar> => {
    let grammar = grammars.get(source);
    if (grammar === undefined) {
      grammar = llama.createGrammar({ grammar: source }).catch((error: unknown) => {
        grammars.delete(source);
        throw new ConfigError(`grammar is not a valid GBNF grammar: ${(error as Error).message}`, {
          field: "grammar",
          cause: error,
        });
      });
      grammars.set(source, grammar);
      if (grammars.size > grammarCacheSize) {
        const oldest = grammars.keys().next().value;
        if (oldest !== undefined) grammars.delete(oldest);
      }
    }
    return grammar;
  };

  const checkFits = (tokenCount: number, field: string): void => {
    if (tokenCount >= contextSize - 1) {
      throw new ConfigError(
        `${field} is ${tokenCount} tokens, which leaves no room in a context of ${contextSize} tokens per sequence`,
        { field },
      );
    }
  };

  /**
   * The text each token adds after `before`: the difference between detokenizing a short window with and
   * without it, so that a character split over byte tokens lands on the token that completes it.
   */
  const pieces = (tokens: readonly Token[], before: readonly Token[]): string[] => {
    const window = 8;
    const all = [...before, ...tokens];
    const result: string[] = [];
    for (let index = 0; index < tokens.length; index += 1) {
      const end = before.length + index;
      const start = Math.max(0, end - window);
      const context = all.slice(Math.max(0, start - window), start);
      const without = model.detokenize(all.slice(start, end), false, context);
      const withToken = model.detokenize(all.slice(start, end + 1), false, context);
      result.push(
        withToken.startsWith(without)
          ? withToken.slice(without.length)
          : model.detokenize([all[end] as Token], false),
      );
    }
    return result;
  };

  const toTokenLogprobs = (
    forced: readonly ForcedToken[],
    texts: readonly string[],
    topLogprobs: number,
  ): TokenLogprob[] =>
    forced.map((entry, index) => ({
      token: texts[index] ?? model.detokenize([entry.token], false),
      logprob: entry.logprob,
      ...(topLogprobs > 0
        ? {
            topLogprobs: entry.top.map((top) => ({
              token: model.detokenize([top.token], true),
              logprob: top.logprob,
            })),
          }
        : {}),
    }));

  /** Brings `sequence` to hold exactly `prefix` (or a shorter cached part of it); returns the cached length. */
  const alignTo = async (sequence: LlamaContextSequence, prefix: readonly Token[]): Promise<number> => {
    await sequence.adaptStateToTokens(prefix as Token[], false);
    return sequence.nextTokenIndex;
  };

  const runCompletion = async (
    index: number,
    lease: SequenceLease<LlamaContextSequence>,
    cachedBefore: number | undefined,
    plan: GenerationPlan,
    rendered: RenderedPrompt,
    grammar: LlamaGrammar | undefined,
    seed: number,
    signal: AbortSignal,
    onText: ((text: string) => void) | undefined,
  ): Promise<CompletionOutcome> => {
    const sequence = lease.item;
    const promptTokens = rendered.tokens;
    const prefix = promptTokens.slice(0, -1);
    const cached = cachedBefore ?? (await alignTo(sequence, prefix));
    if (signal.aborted) {
      return {
        completion: { index, text: "", finishReason: "abort", completionTokens: 0 },
        promptTokens: 0,
        cachedPromptTokens: 0,
        sampledTokens: 0,
      };
    }
    const before = promptTokens.slice(-8);
    const stops = [...plan.stop, ...rendered.stopStrings];
    const matcher = createStopMatcher(stops);
    const watchText = stops.length > 0;
    // Relayed text holds back what could still become a stop string, and an unfinished UTF-8 character.
    const holdBack = stops.reduce((longest, stop) => Math.max(longest, stop.length - 1), 0);
    let relayed = 0;
    const relay = (text: string, final: boolean) => {
      if (onText === undefined) return;
      let end = final ? text.length : text.length - holdBack;
      if (!final) while (end > relayed && text[end - 1] === "\uFFFD") end -= 1;
      if (end > relayed) {
        onText(text.slice(relayed, end));
        relayed = end;
      }
    };
    const generated: Token[] = [];
    let finishReason: FinishReason = "unknown";
    let cut: number | undefined;
    let checkedLength = 0;
    // Under greedy decoding, or pure temperature-1 sampling without a grammar, the sampler's distribution is
    // the raw one: read logprobs while generating instead of teacher forcing afterwards.
    const readWhileGenerating =
      plan.logprobs &&
      grammar === undefined &&
      (plan.temperature === 0 ||
        (plan.temperature === 1 && plan.topK === 0 && plan.topP === 1 && plan.minP === 0)) &&
      (plan.topLogprobs === 0 || vocabularySize <= fullDistributionLimit);
    const read: ForcedToken[] = [];
    const iterator = sequence.evaluateWithMetadata(
      promptTokens.slice(sequence.nextTokenIndex) as Token[],
      { confidence: readWhileGenerating, probabilities: readWhileGenerating && plan.topLogprobs > 0 },
      {
        temperature: plan.temperature,
        topK: plan.topK,
        topP: plan.topP,
        minP: plan.minP,
        seed: completionSeed(seed, index),
        yieldEogToken: true,
        ...(grammar === undefined
          ? {}
          : { grammarEvaluationState: new LlamaGrammarEvaluationState({ model, grammar }) }),
      },
    );
    for await (const output of iterator as AsyncIterable<GeneratedToken>) {
      const token = output.token;
      if (model.isEogToken(token) || rendered.stopTokens.has(token)) {
        finishReason = "stop";
        break;
      }
      if (readWhileGenerating) read.push(readDistribution(output, plan.topLogprobs));
      generated.push(token);
      if (watchText || onText !== undefined) {
        const text = model.detokenize(generated, false, before);
        cut = watchText ? matcher.find(text, checkedLength) : undefined;
        checkedLength = text.length;
        if (cut !== undefined) {
          finishReason = "stop";
          break;
        }
        relay(text, false);
      }
      if (plan.maxTokens !== undefined && generated.length >= plan.maxTokens) {
        finishReason = "length";
        break;
      }
      // The last sampled token is not evaluated yet: stop before node-llama-cpp would shift the context.
      if (sequence.nextTokenIndex >= sequence.contextSize - 1) {
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
    if (cut !== undefined) {
      text = text.slice(0, cut);
      const texts = pieces(generated, before);
      let offset = 0;
      let count = 0;
      while (count < generated.length && offset < cut) {
        offset += texts[count]?.length ?? 0;
        count += 1;
      }
      kept = generated.slice(0, count);
    }
    if (finishReason !== "abort") relay(text, true);
    let tokens: TokenLogprob[] | undefined;
    if (plan.logprobs && finishReason !== "abort" && !signal.aborted) {
      const forced = readWhileGenerating
        ? read.slice(0, kept.length)
        : (await teacherForce(sequence, promptTokens, kept, plan.topLogprobs)).tokens;
      const texts = pieces(kept, before);
      if (cut !== undefined && texts.length > 0) {
        // The last kept token may reach into the stop string; its text is cut like the completion's.
        const keptLength = texts.slice(0, -1).reduce((sum, piece) => sum + piece.length, 0);
        texts[texts.length - 1] = text.slice(keptLength);
      }
      tokens = toTokenLogprobs(forced, texts, plan.topLogprobs);
    }
    return {
      completion: {
        index,
        text,
        finishReason,
        completionTokens: generated.length,
        ...(tokens === undefined ? {} : { tokens }),
      },
      promptTokens: promptTokens.length,
      cachedPromptTokens: cached,
      sampledTokens: generated.length,
    };
  };

  const generate = async (
    request: GenerationRequest,
    callOptions: CallOptions = {},
  ): Promise<GenerationResult> => {
    ensureUsable();
    const userSignal = callOptions.signal;
    userSignal?.throwIfAborted();
    const plan = validateGenerationRequest(request, { maxTopLogprobs: vocabularySize });
    const rendered = renderer.render(request.prompt);
    checkFits(rendered.tokens.length, "prompt");
    const grammar = plan.grammar === undefined ? undefined : await grammarFor(plan.grammar);
    const seed = plan.seed ?? nextFallbackSeed();
    const promptTokens = rendered.tokens;
    const prefix = promptTokens.slice(0, -1);
    const failure = new AbortController();
    const signal = userSignal === undefined ? failure.signal : AbortSignal.any([userSignal, failure.signal]);

    // The first wave: every sequence free right now (at least one, waiting if need be).
    const wave: SequenceLease<LlamaContextSequence>[] = [];
    while (wave.length < plan.n) {
      const lease = pool.tryAcquire(promptTokens);
      if (lease === undefined) break;
      wave.push(lease);
    }
    try {
      if (wave.length === 0) wave.push(await pool.acquire(signal, promptTokens));
    } catch (error) {
      if (isAbortReason(error, userSignal)) {
        const completions = Array.from({ length: plan.n }, (_, index) => ({
          index,
          text: "",
          finishReason: "abort" as const,
          completionTokens: 0,
        }));
        return { completions, usage: { promptTokens: 0, completionTokens: 0, calls: 1 }, model: modelName };
      }
      throw toBackendError(error, what);
    }

    const cachedByLease = new Map<SequenceLease<LlamaContextSequence>, number>();
    const settled: Promise<CompletionOutcome>[] = [];
    try {
      if (prefixSharing && wave.length > 1 && prefix.length > 0) {
        // Evaluate the shared prefix once, in the sequence that caches most of it, then copy it to the others.
        const leader = wave.reduce((best, lease) =>
          commonPrefixLength(lease.item.contextTokens, prefix) >
          commonPrefixLength(best.item.contextTokens, prefix)
            ? lease
            : best,
        );
        const leaderCached = await alignTo(leader.item, prefix);
        if (leaderCached < prefix.length) {
          await leader.item.evaluateWithoutGeneratingNewTokens(prefix.slice(leaderCached) as Token[]);
        }
        cachedByLease.set(leader, leaderCached);
        await Promise.all(
          wave
            .filter((lease) => lease !== leader)
            .map(async (lease) => {
              const cached = await alignTo(lease.item, prefix);
              const copied =
                cached < prefix.length && (await sharePrefix(leader.item, lease.item, prefix.length));
              cachedByLease.set(lease, copied ? prefix.length : lease.item.nextTokenIndex);
            }),
        );
      }
    } catch (error) {
      for (const lease of wave) lease.release();
      throw toBackendError(error, what);
    }

    const start = async (index: number, given: SequenceLease<LlamaContextSequence> | undefined) => {
      let lease = given;
      if (lease === undefined) {
        try {
          lease = await pool.acquire(signal, promptTokens);
        } catch (error) {
          if (signal.aborted) {
            return {
              completion: { index, text: "", finishReason: "abort" as const, completionTokens: 0 },
              promptTokens: 0,
              cachedPromptTokens: 0,
              sampledTokens: 0,
            };
          }
          throw error;
        }
      }
      try {
        return await runCompletion(
          index,
          lease,
          cachedByLease.get(lease),
          plan,
          rendered,
          grammar,
          seed,
          signal,
          // One completion's text is relayed as it is generated; several would interleave.
          plan.n === 1 ? callOptions.onText : undefined,
        );
      } catch (error) {
        failure.abort(error);
        throw error;
      } finally {
        lease.release();
      }
    };
    for (let index = 0; index < plan.n; index += 1) settled.push(start(index, wave[index]));
    const results = await Promise.allSettled(settled);
    const rejected = results.find((result) => result.status === "rejected");
    if (rejected !== undefined) throw toBackendError((rejected as PromiseRejectedResult).reason, what);
    const outcomes = results.map((result) => (result as PromiseFulfilledResult<CompletionOutcome>).value);
    return {
      completions: outcomes.map((outcome) => outcome.completion),
      usage: {
        promptTokens: outcomes.reduce((sum, outcome) => sum + outcome.promptTokens, 0),
        completionTokens: outcomes.reduce((sum, outcome) => sum + outcome.sampledTokens, 0),
        cachedPromptTokens: outcomes.reduce((sum, outcome) => sum + outcome.cachedPromptTokens, 0),
        calls: 1,
      },
      model: modelName,
    };
  };

  const score = async (request: ScoreRequest, callOptions: CallOptions = {}): Promise<ScoreResult> => {
    ensureUsable();
    const signal = callOptions.signal;
    signal?.throwIfAborted();
    if (typeof request?.continuation !== "string") {
      throw new ConfigError(`continuation must be a string, got ${JSON.stringify(request?.continuation)}`, {
        field: "continuation",
      });
    }
    const topLogprobs = request.topLogprobs ?? 0;
    if (!Number.isInteger(topLogprobs) || topLogprobs < 0 || topLogprobs > vocabularySize) {
      throw new ConfigError(
        `topLogprobs must be an integer from 0 to ${vocabularySize} (the vocabulary size), got ${JSON.stringify(topLogprobs)}`,
        { field: "topLogprobs" },
      );
    }
    const prompt: Prompt = request.prompt;
    const rendered = renderer.render(prompt);
    const continuation = renderer.continuationTokens(prompt, rendered, request.continuation);
    checkFits(rendered.tokens.length + continuation.length, "prompt and continuation");
    const lease = await pool.acquire(signal, [...rendered.tokens, ...continuation]);
    try {
      signal?.throwIfAborted();
      const forced = await teacherForce(lease.item, rendered.tokens, continuation, topLogprobs);
      signal?.throwIfAborted();
      const tokens = toTokenLogprobs(
        forced.tokens,
        pieces(continuation, rendered.tokens.slice(-8)),
        topLogprobs,
      );
      return {
        tokens,
        logprob: tokens.reduce((sum, token) => sum + token.logprob, 0),
        usage: {
          promptTokens: rendered.tokens.length + continuation.length,
          completionTokens: 0,
          cachedPromptTokens: forced.reused,
          calls: 1,
        },
      };
    } catch (error) {
      if (isAbortReason(error, signal)) throw error;
      throw toBackendError(error, what);
    } finally {
      lease.release();
    }
  };

  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    pool.close();
    await context.dispose();
    await model.dispose();
    await llama.dispose();
  };

  const backend: LlamaCppBackend = {
    settings,
    describe: (): BackendDescription => ({
      kind: "llama-cpp",
      model: modelName,
      versions,
      ...(modelHash === undefined ? {} : { modelHash }),
    }),
    capabilities: async (): Promise<BackendCapabilities> => {
      ensureUsable();
      return {
        n: true,
        logprobs: true,
        topLogprobs: true,
        maxTopLogprobs: vocabularySize,
        promptLogprobs: false,
        score: true,
        seed: true,
        chat: renderer.hasChatTemplate,
        completion: true,
        continuePrefix: true,
        grammar: true,
        topK: true,
      };
    },
    generate,
    score,
    dispose,
    [Symbol.asyncDispose]: dispose,
  };
  return backend;
}
